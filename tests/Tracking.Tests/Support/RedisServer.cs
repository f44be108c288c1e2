using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Tracking.Tests.Support;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, started once per test run (or the one named by
/// <c>TEST_REDIS</c>, e.g. a cluster started by .ci/run). Tests never fake our store.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly Lazy<RedisServer> LazyShared = new(() => new RedisServer());
    private readonly Process? _process;

    private RedisServer()
    {
        var external = Environment.GetEnvironmentVariable("TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            ConnectionString = external;
        }
        else
        {
            var port = FreePort();
            _process = Start(port);
            ConnectionString = $"127.0.0.1:{port}";
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
        }
        Connection = ConnectionMultiplexer.Connect(ConnectionString + ",allowAdmin=true");
    }

    public static RedisServer Shared => LazyShared.Value;

    public string ConnectionString { get; }

    public IConnectionMultiplexer Connection { get; }

    public IDatabase Db => Connection.GetDatabase();

    /// <summary>True when TEST_REDIS names a Redis Cluster: one database only, so isolation is by flushing.</summary>
    public bool IsCluster => Connection.GetServers().Any(s => s.ServerType == ServerType.Cluster);

    public IEnumerable<IServer> Masters => Connection.GetServers().Where(s => !s.IsReplica && s.IsConnected);

    public void Flush(int database)
    {
        foreach (var server in Masters)
        {
            server.FlushDatabase(database);
        }
    }

    /// <summary>Key names matching a pattern, across every master.</summary>
    public IEnumerable<RedisKey> Keys(int database, string pattern) => Masters.SelectMany(s => s.Keys(database, pattern));

    public void Dispose()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public static Process Start(int port, params string[] extra) => Launch(port,
        ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--databases", "1024", .. extra]);

    /// <summary>Starts <c>redis-server</c> with exactly <paramref name="args"/> (a sentinel: its config file first) and waits for <paramref name="port"/>.</summary>
    public static Process Launch(int port, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: run `apt-get install -y redis-server` (.ci/run does).", ex);
        }
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        WaitForPort(port);
        return process;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitForPort(int port) => Eventually.Until(() =>
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }, TimeSpan.FromSeconds(10), $"redis-server to listen on port {port}");

    /// <summary>Keys in <paramref name="database"/> summed over every master (a cluster spreads them).</summary>
    public long DatabaseSize(int database) => Masters.Sum(s => s.DatabaseSize(database));
}
