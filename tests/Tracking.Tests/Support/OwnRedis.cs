using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Tracking.Tests.Support;

/// <summary>
/// A redis-server of one test class's own, so that <c>used_memory</c> (INFO memory) measures that test alone and not
/// the classes running in parallel on the shared server. Tests using it are <see cref="LocalRedisFactAttribute"/>s.
/// </summary>
public sealed class OwnRedis : IDisposable
{
    private readonly Process? _process;

    public OwnRedis()
    {
        if (Environment.GetEnvironmentVariable("TEST_REDIS") is { Length: > 0 })
        {
            return; // the tests are skipped (LocalRedisFact); start nothing
        }
        var port = RedisServer.FreePort();
        _process = RedisServer.Start(port);
        ConnectionString = $"127.0.0.1:{port}";
        Connection = ConnectionMultiplexer.Connect(ConnectionString + ",allowAdmin=true");
    }

    public string ConnectionString { get; } = "";

    public IConnectionMultiplexer Connection { get; } = null!;

    public IDatabase Db => Connection.GetDatabase();

    private IServer Server => Connection.GetServers().Single();

    /// <summary>The setting that points a <see cref="TrackingApp"/> at this server.</summary>
    public KeyValuePair<string, string?> Setting => new("Redis:ConnectionString", ConnectionString);

    /// <summary>INFO memory's <c>used_memory</c>: bytes the server has allocated.</summary>
    public async Task<long> UsedMemoryAsync()
    {
        var memory = (await Server.InfoAsync("memory")).SelectMany(g => g).Single(p => p.Key == "used_memory");
        return long.Parse(memory.Value, CultureInfo.InvariantCulture);
    }

    public IEnumerable<RedisKey> Keys(string pattern) => Server.Keys(0, pattern, pageSize: 1000);

    public void Dispose()
    {
        Connection?.Dispose();
        try
        {
            _process?.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process?.Dispose();
    }
}
