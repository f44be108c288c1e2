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
/// the replicas of the key's own master with <c>WAIT</c>.
/// <para>
/// WAIT blocks the connection it is sent on, so it never goes over the service's shared connection: a connection
/// of its own (opened only when AckReplicas &gt; 0) first writes a marker key in the written key's slot, on the same
/// master (so its replication offset covers every write that master applied before it, ours included), then
/// sends WAIT. One WAIT per master at a time, shared by every writer waiting (group commit): a writer whose reply
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
    /// <param name="ranOn">The node the script ran on, when known (Sentinel, <see cref="SentinelGuard"/>): WAIT must be sent there too.</param>
    public async Task WaitAsync(RedisKey key, System.Net.EndPoint? ranOn = null)
    {
        var connection = _connection.Value;
        var endpoint = await connection.GetDatabase().IdentifyEndpointAsync(key)
            ?? throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, "No master known for the written key");
        if (ranOn is not null && SentinelGuard.Text(endpoint) != SentinelGuard.Text(ranOn))
        {
            // This connection's view lags the shared one's: a WAIT elsewhere would not cover the write.
            throw new NotThePrimaryException("The replica acknowledgement would wait on another node than the one the write ran on");
        }
        var master = _masters.GetOrAdd(endpoint.ToString()!, _ => new Master(this, endpoint));
        await master.JoinAsync(MarkerKey(key));
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
    private sealed class Master(ReplicaAck owner, System.Net.EndPoint endpoint)
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
            var server = owner._connection.Value.GetServer(endpoint);
            // The marker write and WAIT share this server's one connection: WAIT covers the marker's offset, and so
            // every earlier write of this master.
            await server.ExecuteAsync("SET", marker, "1", "PX", "60000");
            var confirmed = (long)await server.ExecuteAsync("WAIT", o.AckReplicas, (long)o.AckTimeout.TotalMilliseconds);
            if (confirmed < o.AckReplicas)
            {
                throw new ReplicaAckTimeoutException(
                    $"{confirmed} of the {o.AckReplicas} replicas (Redis:AckReplicas) confirmed the write within Redis:AckTimeout");
            }
        }
    }
}
