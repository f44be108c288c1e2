using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tracking.Storage;

/// <summary>
/// Thrown when a script would run on a node the sentinels do not name as the primary, or when the node a write ran
/// on no longer takes writes for its slot by the time its replicas are awaited (<see cref="ReplicaAck"/>): a store
/// outage for the client (503 with Retry-After; its retry is idempotent by event id).
/// </summary>
internal sealed class NotThePrimaryException(string message) : RedisException(message);

/// <summary>
/// Follows the topology under Sentinel (<c>serviceName=</c> in the connection string): no script runs on a node a
/// majority of the sentinels do not name as the primary.
/// <para>
/// Why: StackExchange.Redis keeps every endpoint it ever saw. An old primary that restarts comes back as a master
/// (with the data it had) until the sentinels reconfigure it, and the client may pick it: every
/// script run there is discarded when the node resyncs. So before a script and
/// again after it, the node the client selects for the key is compared with the sentinels' primary, which is
/// polled every 250 ms and refreshed at once on <c>+switch-master</c>. A mismatch is a 503 until the client or the
/// sentinels agree again. The last agreed primary is kept while the sentinels cannot be reached or disagree
/// (mid-failover), so a sentinel outage alone does not stop writes.
/// </para>
/// </summary>
internal sealed partial class SentinelGuard : IDisposable
{
    private static readonly ConditionalWeakTable<IConnectionMultiplexer, SentinelGuard> Attached = [];
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    private readonly string? _service;
    private readonly int _sentinelCount;
    private readonly ConnectionMultiplexer? _sentinels;
    private readonly Timer? _poll;
    private readonly ILogger<SentinelGuard> _logger;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile string? _primary;
    private string? _lastRefusal;
    private long _lastReconfigure;
    private volatile bool _disposed;

    public SentinelGuard(IOptions<RedisOptions> options, ILogger<SentinelGuard> logger)
    {
        _logger = logger;
        if (options.Value.UseEmbedded)
        {
            return;
        }
        var parsed = ConfigurationOptions.Parse(options.Value.ConnectionString);
        if (string.IsNullOrEmpty(parsed.ServiceName))
        {
            return;
        }
        _service = parsed.ServiceName;
        var config = new ConfigurationOptions
        {
            CommandMap = CommandMap.Sentinel,
            AbortOnConnectFail = false,
            ConnectTimeout = Math.Min(parsed.ConnectTimeout, 5000),
            AsyncTimeout = 1000,
            User = parsed.User,
            Password = parsed.Password,
            Ssl = parsed.Ssl,
            ClientName = "tracking-sentinel-guard",
        };
        foreach (var endpoint in parsed.EndPoints)
        {
            config.EndPoints.Add(endpoint);
        }
        _sentinelCount = config.EndPoints.Count;
        _sentinels = ConnectionMultiplexer.Connect(config);
        _sentinels.GetSubscriber().Subscribe(RedisChannel.Literal("+switch-master"), (_, _) => _ = RefreshAsync());
        _poll = new Timer(_ => _ = RefreshAsync(), null, TimeSpan.Zero, PollEvery);
    }

    public bool Enabled => _service is not null;

    public void Attach(IConnectionMultiplexer shared)
    {
        if (Enabled)
        {
            Attached.AddOrUpdate(shared, this);
        }
    }

    internal static SentinelGuard? For(IConnectionMultiplexer shared) => Attached.TryGetValue(shared, out var guard) ? guard : null;

    /// <summary>The node the client would send <paramref name="key"/>'s script to, if the sentinels name it the primary; throws otherwise.</summary>
    public async Task<EndPoint> PrimaryForAsync(IConnectionMultiplexer shared, RedisKey key)
    {
        if (_primary is null)
        {
            await RefreshAsync();
        }
        var selected = Selected(shared, key);
        var primary = _primary;
        if (primary is null || Text(selected) != primary)
        {
            // Once per mismatch, not once per refused write.
            var refusal = $"{Text(selected)} {primary}";
            if (Interlocked.Exchange(ref _lastRefusal, refusal) != refusal)
            {
                Log.Refused(_logger, Text(selected), primary ?? "unknown");
            }
            if (primary is not null)
            {
                Reconfigure(shared);
            }
            throw new NotThePrimaryException($"The node selected for the write is not the primary the sentinels name ({_service})");
        }
        return selected;
    }

    /// <summary>
    /// The client still routes to a node the sentinels no longer name: make it re-read the topology (at most once a
    /// second) rather than wait for its own periodic check, which can leave every write refused for a minute.
    /// </summary>
    private void Reconfigure(IConnectionMultiplexer shared)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastReconfigure);
        if (now - last < 1000 || Interlocked.CompareExchange(ref _lastReconfigure, now, last) != last)
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await shared.ConfigureAsync();
            }
            catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
            {
                // The next refused write asks again.
            }
        });
    }

    // The node the client routes the key's writes to. Right after a failover the client may know no master at all
    // (the old one demoted, the new one not yet re-read): that is a refusal like a mismatch, and it asks for the
    // topology again at once, or the client would wait for its own periodic check and refuse every write meanwhile.
    private EndPoint Selected(IConnectionMultiplexer shared, RedisKey key)
    {
        try
        {
            return shared.GetServer(key, flags: CommandFlags.DemandMaster).EndPoint;
        }
        catch (Exception e) when (e is InvalidOperationException or RedisException)
        {
            Reconfigure(shared);
            throw new NotThePrimaryException($"The client knows no primary for the write now ({_service})");
        }
    }

    /// <summary>After the script: still the same node, and still the primary (a switch in between is answered 503).</summary>
    public void StillPrimary(IConnectionMultiplexer shared, RedisKey key, EndPoint before)
    {
        var now = Selected(shared, key);
        if (Text(now) != Text(before) || _primary != Text(before))
        {
            throw new NotThePrimaryException($"The primary changed while the write ran ({_service})");
        }
    }

    private async Task RefreshAsync()
    {
        if (_sentinels is null || !await _refreshing.WaitAsync(0))
        {
            return;
        }
        try
        {
            if (_disposed)
            {
                return;
            }
            var answers = new List<string>();
            foreach (var sentinel in _sentinels.GetServers().Where(s => s.IsConnected))
            {
                try
                {
                    if (await sentinel.SentinelGetMasterAddressByNameAsync(_service!) is { } address)
                    {
                        answers.Add(Text(address));
                    }
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // That sentinel does not answer: the others decide.
                }
            }
            var agreed = answers.GroupBy(a => a).FirstOrDefault(g => g.Count() > _sentinelCount / 2)?.Key;
            if (agreed is not null && agreed != _primary)
            {
                Log.Primary(_logger, _service!, agreed);
                _primary = agreed;
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    internal static string Text(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "",
    };

    public void Dispose()
    {
        _disposed = true;
        _poll?.Dispose();
        _sentinels?.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Sentinel names {Primary} the primary of {Service}")]
        public static partial void Primary(ILogger logger, string service, string primary);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Write refused: the client selected {Selected}, the sentinels name {Primary} the primary")]
        public static partial void Refused(ILogger logger, string selected, string primary);
    }
}
