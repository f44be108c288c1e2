using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tracking.Storage;

/// <summary>
/// Thrown when fewer than <c>Redis:AckReplicas</c> replicas confirmed a write within <c>Redis:AckTimeout</c>: the
/// write may be on the primary alone, so it is not acknowledged (a <see cref="RedisException"/>: answered 503 with
/// Retry-After; the client's retry, idempotent by event id, is acknowledged once the replicas have it).
/// </summary>
internal sealed class ReplicaAckTimeoutException(string message) : RedisException(message);

/// <summary>
/// Makes an acknowledged write mean "on <c>Redis:AckReplicas</c> replicas": after a write script's reply, waits for
/// the replicas of the master the write ran on with <c>WAIT</c>.
/// <para>
/// WAIT blocks the connection it is sent on, so it never goes over the service's shared connection: a connection
/// of its own (opened only when AckReplicas &gt; 0) first writes a marker key in the written key's slot, on the node
/// the write ran on (so its replication offset covers every write that node applied before it, ours included), then
/// sends WAIT there. One WAIT per master at a time, shared by every writer waiting (group commit): a writer whose reply
/// arrived joins the next WAIT sent after it.
/// </para>
/// </summary>
internal sealed class ReplicaAck : IDisposable
{
    // Per host, keyed by its shared connection: several hosts (tests) may live in one process.
    private static readonly ConditionalWeakTable<IConnectionMultiplexer, ReplicaAck> Attached = [];

    private readonly RedisOptions _options;
    private readonly Lazy<ConnectionMultiplexer> _connection;
    private readonly ConcurrentDictionary<string, Master> _masters = new(StringComparer.Ordinal);

    public ReplicaAck(IOptions<RedisOptions> options)
    {
        _options = options.Value;
        _connection = new(() =>
        {
            var config = RedisSetup.Configure(_options.ConnectionString);
            config.ClientName = "tracking-ack";
            // WAIT itself may take Redis:AckTimeout; the client must not give up first.
            config.AsyncTimeout = Math.Max(config.AsyncTimeout, (int)_options.AckTimeout.TotalMilliseconds + 2000);
            return ConnectionMultiplexer.Connect(config);
        });
    }

    public bool Enabled => _options.AckReplicas > 0;

    /// <summary>Makes <paramref name="shared"/>'s script writes wait for replicas (<see cref="RedisScript.RunAsync"/>).</summary>
    public void Attach(IConnectionMultiplexer shared)
    {
        if (Enabled)
        {
            Attached.AddOrUpdate(shared, this);
        }
    }

    internal static ReplicaAck? For(IConnectionMultiplexer shared) => Attached.TryGetValue(shared, out var ack) ? ack : null;

    /// <summary>Returns once Redis:AckReplicas replicas have every write the key's master applied so far; throws otherwise.</summary>
    /// <param name="ranOn">
    /// The node the write ran on, when known (<see cref="RedisScript.RunAsync"/> sends the script there itself): WAIT
    /// and its marker are sent to that node, never to the node this connection maps the key to, which may differ.
    /// Without it (another database than 0), this connection's own map decides.
    /// </param>
    public async Task WaitAsync(RedisKey key, System.Net.EndPoint? ranOn = null)
    {
        var connection = _connection.Value;
        var endpoint = ranOn ?? await connection.GetDatabase().IdentifyEndpointAsync(key)
            ?? throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, "No master known for the written key");
        var master = _masters.GetOrAdd(SentinelGuard.Text(endpoint), _ => new Master(this, Server(connection, endpoint)));
        await master.JoinAsync(MarkerKey(key));
    }

    /// <summary>
    /// After plain commands (not scripts) answered 2xx: waits on the master of each written key. Their node is the one
    /// the shared connection maps the key to right after the writes (a MOVED they met has updated that map); the
    /// marker's NoRedirect refuses a node that no longer serves the slot. Left open: the slot moving again between
    /// the write and this look-up (two failovers within one request), which scripts close by being sent by hand.
    /// </summary>
    public static Task WrittenAsync(IDatabase db, IEnumerable<RedisKey> keys)
    {
        if (For(db.Multiplexer) is not { } ack)
        {
            return Task.CompletedTask;
        }
        // One WAIT per node (any key of it serves as the marker's slot).
        var byNode = new Dictionary<string, (RedisKey Key, System.Net.EndPoint Node)>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var node = NodeFor(db.Multiplexer, key);
            byNode.TryAdd(SentinelGuard.Text(node), (key, node));
        }
        return Task.WhenAll(byNode.Values.Select(w => ack.WaitAsync(w.Key, w.Node)));
    }

    /// <summary>The master the shared connection sends <paramref name="key"/>'s writes to now.</summary>
    internal static System.Net.EndPoint NodeFor(IConnectionMultiplexer shared, RedisKey key) =>
        shared.GetServer(key, flags: CommandFlags.DemandMaster).EndPoint;

    // This connection's handle on a node the shared connection named (the same configuration, so it knows the same
    // nodes; one it has not discovered yet is a 503 until it has).
    private static IServer Server(ConnectionMultiplexer connection, System.Net.EndPoint endpoint)
    {
        var text = SentinelGuard.Text(endpoint);
        return connection.GetServers().FirstOrDefault(s => SentinelGuard.Text(s.EndPoint) == text)
            ?? throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection,
                "The node the write ran on is not known to the replica acknowledgement connection yet");
    }

    // A key in the same slot as the written one (its hash tag, or the whole key as one).
    private static RedisKey MarkerKey(RedisKey key)
    {
        var name = (string)key!;
        var open = name.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : name.IndexOf('}', open + 1);
        var tag = close > open + 1 ? name[(open + 1)..close] : name;
        return Keys.AckMarker(tag);
    }

    public void Dispose()
    {
        if (_connection.IsValueCreated)
        {
            _connection.Value.Dispose();
        }
    }

    /// <summary>One master's WAITs, one at a time; writers that arrive while one runs share the next.</summary>
    private sealed class Master(ReplicaAck owner, IServer server)
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource? _next;
        private RedisKey _nextMarker;
        private bool _running;

        public Task JoinAsync(RedisKey marker)
        {
            lock (_gate)
            {
                if (_next is null)
                {
                    _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    _nextMarker = marker;
                }
                var joined = _next.Task;
                if (!_running)
                {
                    _running = true;
                    _ = Task.Run(PumpAsync);
                }
                return joined;
            }
        }

        private async Task PumpAsync()
        {
            while (true)
            {
                TaskCompletionSource batch;
                RedisKey marker;
                lock (_gate)
                {
                    if (_next is null)
                    {
                        _running = false;
                        return;
                    }
                    (batch, marker) = (_next, _nextMarker);
                    _next = null;
                }
                try
                {
                    await WaitOnceAsync(marker);
                    batch.SetResult();
                }
                catch (Exception ex)
                {
                    batch.SetException(ex);
                }
            }
        }

        private async Task WaitOnceAsync(RedisKey marker)
        {
            var o = owner._options;
            // The marker write and WAIT share this server's one connection: WAIT covers the marker's offset, and so
            // every earlier write of this master. NoRedirect: a node that no longer serves the marker's slot (an old
            // master after a failover) answers MOVED, or READONLY once it is a replica; followed, the marker would be
            // written on the new master while WAIT counted the old one's replicas.
            try
            {
                await server.ExecuteAsync("SET", [marker, "1", "PX", "60000"], CommandFlags.NoRedirect);
            }
            catch (RedisServerException e)
            {
                throw new NotThePrimaryException($"The node the write ran on no longer accepts writes for its slot: {e.Message}");
            }
            var confirmed = (long)await server.ExecuteAsync("WAIT", [o.AckReplicas, (long)o.AckTimeout.TotalMilliseconds], CommandFlags.NoRedirect);
            if (confirmed < o.AckReplicas)
            {
                throw new ReplicaAckTimeoutException(
                    $"{confirmed} of the {o.AckReplicas} replicas (Redis:AckReplicas) confirmed the write within Redis:AckTimeout");
            }
        }
    }
}
