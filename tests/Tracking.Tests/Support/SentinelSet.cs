using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Tracking.Tests.Support;

/// <summary>
/// A real Sentinel deployment on free loopback ports: a primary, <c>replicas</c> replicas and three sentinels
/// (quorum 2), with a 1 s <c>down-after-milliseconds</c> so a failover takes seconds, not half a minute. Nodes can be
/// SIGKILLed, restarted with their original arguments (an old primary comes back believing it is a master),
/// paused and resumed.
/// </summary>
public sealed class SentinelSet : IDisposable
{
    public const string Service = "tracking";

    private readonly string _dir = Directory.CreateTempSubdirectory("tracking-sentinel-").FullName;
    private readonly Dictionary<int, Process> _nodes = [];
    private readonly List<Process> _sentinels = [];
    private readonly List<int> _sentinelPorts = [];

    public SentinelSet(int replicas, params string[] nodeSettings)
    {
        _nodeSettings = nodeSettings;
        InitialPrimary = RedisServer.FreePort();
        _nodes[InitialPrimary] = RedisServer.Start(InitialPrimary, nodeSettings);
        for (var i = 0; i < replicas; i++)
        {
            var port = RedisServer.FreePort();
            _nodes[port] = RedisServer.Start(port, [.. nodeSettings, "--replicaof", "127.0.0.1", Port(InitialPrimary)]);
        }
        for (var i = 0; i < 3; i++)
        {
            var port = RedisServer.FreePort();
            var conf = Path.Combine(_dir, $"sentinel-{port}.conf");
            File.WriteAllText(conf, $"""
                port {port}
                bind 127.0.0.1
                dir {_dir}
                sentinel monitor {Service} 127.0.0.1 {InitialPrimary} 2
                sentinel down-after-milliseconds {Service} 1000
                sentinel failover-timeout {Service} 4000
                sentinel parallel-syncs {Service} 2

                """);
            _sentinels.Add(RedisServer.Launch(port, [conf, "--sentinel"]));
            _sentinelPorts.Add(port);
        }
        var sentinels = new ConfigurationOptions { CommandMap = CommandMap.Sentinel, AbortOnConnectFail = false, ConnectTimeout = 1000 };
        foreach (var port in _sentinelPorts)
        {
            sentinels.EndPoints.Add("127.0.0.1", port);
        }
        Sentinels = ConnectionMultiplexer.Connect(sentinels);
    }

    private readonly string[] _nodeSettings;

    public int InitialPrimary { get; }

    public IReadOnlyCollection<int> DataPorts => _nodes.Keys;

    /// <summary>Connections to the sentinels (CommandMap.Sentinel), for asking who the master is.</summary>
    public ConnectionMultiplexer Sentinels { get; }

    /// <summary>The service's connection string: the sentinels and the service name, as the production recipe says.</summary>
    public string ConnectionString => string.Join(",", _sentinelPorts.Select(p => $"127.0.0.1:{p}"))
        + $",serviceName={Service},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";

    /// <summary>The master port a majority of the sentinels agree on (null while they do not).</summary>
    public async Task<int?> MasterPortAsync()
    {
        var answers = new List<int>();
        foreach (var server in Sentinels.GetServers().Where(s => s.IsConnected))
        {
            try
            {
                var reply = (RedisResult[]?)await server.ExecuteAsync("SENTINEL", "get-master-addr-by-name", Service);
                if (reply is { Length: 2 })
                {
                    answers.Add(int.Parse((string)reply[1]!, CultureInfo.InvariantCulture));
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException) // RedisTimeoutException is a TimeoutException
            {
                // A sentinel busy or down: the others decide.
            }
        }
        var agreed = answers.GroupBy(p => p).FirstOrDefault(g => g.Count() >= 2);
        return agreed?.Key;
    }

    /// <summary>Waits until every sentinel knows the other two and <paramref name="replicas"/> replicas in sync.</summary>
    public async Task WaitReadyAsync(int replicas) => await Eventually.UntilAsync(async () =>
    {
        foreach (var server in Sentinels.GetServers())
        {
            if (!server.IsConnected)
            {
                return false;
            }
            var master = ((RedisResult[])(await server.ExecuteAsync("SENTINEL", "master", Service))!).Select(r => (string)r!).ToArray();
            string Field(string name) => master[Array.IndexOf(master, name) + 1];
            if (Field("num-slaves") != Port(replicas) || Field("num-other-sentinels") != "2")
            {
                return false;
            }
        }
        var primary = await MasterPortAsync();
        return primary is not null && await ConnectedReplicasAsync(primary.Value) >= replicas;
    }, TimeSpan.FromSeconds(30), $"three sentinels that know each other and {replicas} replicas in sync", TimeSpan.FromMilliseconds(200),
        () => $"{Sentinels.GetServers().Count(s => s.IsConnected)} sentinels connected");

    /// <summary>Replicas whose link to <paramref name="port"/> is up, as that node reports them.</summary>
    public static async Task<int> ConnectedReplicasAsync(int port)
    {
        using var node = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true,connectTimeout=1000");
        var info = (await node.GetServers()[0].InfoAsync("replication")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return info.TryGetValue("connected_slaves", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : 0;
    }

    public void Kill(int port)
    {
        _nodes[port].Kill();
        _nodes[port].WaitForExit();
    }

    /// <summary>Starts the node again as a master (as an old primary restarts): comes back as a master, with no replicas.</summary>
    public void RestartAsMaster(int port)
    {
        _nodes[port].Dispose();
        _nodes[port] = RedisServer.Start(port, _nodeSettings);
    }

    public void Dispose()
    {
        Sentinels.Dispose();
        foreach (var process in _sentinels.Concat(_nodes.Values))
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        Directory.Delete(_dir, recursive: true);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
