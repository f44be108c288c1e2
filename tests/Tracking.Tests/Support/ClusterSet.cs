using System.Diagnostics;
using StackExchange.Redis;

namespace Tracking.Tests.Support;

/// <summary>
/// A real Redis Cluster on free loopback ports: three masters with one replica each (<c>redis-cli --cluster create
/// --cluster-replicas 1</c>), <c>cluster-node-timeout 1000</c> so a failover takes seconds. Not tests/cluster.sh,
/// whose ports are fixed. Nodes can be SIGKILLed, restarted (a killed master rejoins as a replica), paused and resumed.
/// </summary>
public sealed class ClusterSet : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracking-cluster-").FullName;
    private readonly Dictionary<int, Process> _nodes = [];

    public ClusterSet()
    {
        for (var i = 0; i < 6; i++)
        {
            var port = RedisServer.FreePort();
            _nodes[port] = StartNode(port);
        }
        using var create = Process.Start(new ProcessStartInfo("redis-cli",
            ["--cluster", "create", .. _nodes.Keys.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "1", "--cluster-yes"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = create.StandardOutput.ReadToEnd() + create.StandardError.ReadToEnd();
        if (!create.WaitForExit(60_000) || create.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create failed: {output}");
        }
        ConnectionString = string.Join(",", _nodes.Keys.Select(p => $"127.0.0.1:{p}")) + ",connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";
        Admin = ConnectionMultiplexer.Connect(ConnectionString + ",allowAdmin=true,abortConnect=false");
    }

    /// <summary>The service's connection string: every node, as the production recipe says.</summary>
    public string ConnectionString { get; }

    /// <summary>The test's own cluster-aware connection (admin), for reading what the masters hold.</summary>
    public ConnectionMultiplexer Admin { get; }

    private Process StartNode(int port) => RedisServer.Start(port, "--cluster-enabled", "yes", "--cluster-node-timeout", "1000",
        "--cluster-config-file", Path.Combine(_dir, $"nodes-{port}.conf"), "--dir", _dir, "--dbfilename", $"dump-{port}.rdb");

    /// <summary>Waits until every live node says the cluster is ok and every master has a replica whose link is up.</summary>
    public Task WaitHealthyAsync(string what) => Eventually.UntilAsync(async () =>
    {
        var masters = 0;
        var synced = 0;
        foreach (var port in _nodes.Keys)
        {
            if (await ClusterStateAsync(port) != "ok")
            {
                return false;
            }
            var replication = await InfoAsync(port, "replication");
            if (replication is null)
            {
                return false;
            }
            if (replication["role"] == "master")
            {
                masters++;
            }
            else if (replication.GetValueOrDefault("master_link_status") == "up")
            {
                synced++;
            }
        }
        return masters == 3 && synced == 3;
    }, TimeSpan.FromSeconds(60), what, TimeSpan.FromMilliseconds(200), () => string.Join("; ", _nodes.Keys.Select(p =>
    {
        var cluster = ClusterStateAsync(p).GetAwaiter().GetResult();
        var replication = InfoAsync(p, "replication").GetAwaiter().GetResult();
        return $"{p}: {cluster ?? "no answer"} {replication?.GetValueOrDefault("role")} {replication?.GetValueOrDefault("master_link_status")}";
    })));

    /// <summary>The port of the master that serves <paramref name="key"/> now, and of its replica.</summary>
    public async Task<(int Master, int Replica)> OwnersAsync(RedisKey key)
    {
        await Admin.ConfigureAsync();
        var nodes = Admin.GetServers().First(s => s.IsConnected).ClusterConfiguration!;
        var master = nodes.GetBySlot(key)!;
        var replica = nodes.Nodes.First(n => n.IsReplica && n.ParentNodeId == master.NodeId);
        return (Port(master.EndPoint!), Port(replica.EndPoint!));
    }

    /// <summary>Every live master's port (as the nodes themselves report their role).</summary>
    public async Task<List<int>> MastersAsync()
    {
        var masters = new List<int>();
        foreach (var port in _nodes.Keys)
        {
            if ((await InfoAsync(port, "replication"))?.GetValueOrDefault("role") == "master")
            {
                masters.Add(port);
            }
        }
        return masters;
    }

    public async Task<string?> RoleAsync(int port) => (await InfoAsync(port, "replication"))?.GetValueOrDefault("role");

    public void Kill(int port)
    {
        _nodes[port].Kill();
        _nodes[port].WaitForExit();
    }

    /// <summary>Starts a killed node again with its nodes.conf: a master that was failed over rejoins as a replica.</summary>
    public void Restart(int port)
    {
        _nodes[port].Dispose();
        _nodes[port] = StartNode(port);
    }

    /// <summary>
    /// Pauses a replica (SIGSTOP) and has its master drop the replication link: what the master writes from now on
    /// never reaches that replica. (A pause alone would not lose anything on loopback: the master's stream waits in
    /// the paused replica's socket buffer and is applied on resume.)
    /// </summary>
    public async Task PauseAndCutOffAsync(int replica, int master)
    {
        Signal(replica, "STOP");
        await Admin.GetServer("127.0.0.1", master).ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");
    }

    public void Resume(int port) => Signal(port, "CONT");

    /// <summary>The port of <paramref name="master"/>'s replica.</summary>
    public async Task<int> ReplicaOfAsync(int master)
    {
        await Admin.ConfigureAsync();
        var nodes = Admin.GetServers().First(s => s.IsConnected).ClusterConfiguration!;
        var node = nodes.Nodes.First(n => !n.IsReplica && Port(n.EndPoint!) == master);
        return Port(nodes.Nodes.First(n => n.IsReplica && n.ParentNodeId == node.NodeId).EndPoint!);
    }

    /// <summary>
    /// Moves one hash slot from one master to another, as a resharding does (IMPORTING/MIGRATING, then NODE on every
    /// master), after deleting the keys it holds; returns once every master names the new owner. A client connected
    /// before keeps mapping the slot to the old master until a MOVED or its next topology check.
    /// </summary>
    public async Task MoveSlotEmptiedAsync(int slot, int from, int to)
    {
        var source = Admin.GetServer("127.0.0.1", from);
        var target = Admin.GetServer("127.0.0.1", to);
        foreach (var key in (RedisResult[])(await source.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 1000))!)
        {
            await source.ExecuteAsync("DEL", (RedisKey)(string)key!);
        }
        var toId = (string)(await target.ExecuteAsync("CLUSTER", "MYID"))!;
        var fromId = (string)(await source.ExecuteAsync("CLUSTER", "MYID"))!;
        await target.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
        await source.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
        var masters = await MastersAsync();
        foreach (var port in new[] { to, from }.Concat(masters.Where(p => p != to && p != from)))
        {
            await Admin.GetServer("127.0.0.1", port).ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", toId);
        }
        await Eventually.UntilAsync(async () =>
        {
            foreach (var port in masters)
            {
                var view = await Admin.GetServer("127.0.0.1", port).ClusterNodesAsync();
                if (view?.GetBySlot(slot) is not { } owner || Port(owner.EndPoint!) != to)
                {
                    return false;
                }
            }
            return true;
        }, TimeSpan.FromSeconds(30), $"every master to name {to} the owner of slot {slot}");
    }

    private void Signal(int port, string signal) => Signals.Send(_nodes[port], signal);

    // cluster_state, from CLUSTER INFO (INFO's cluster section has only cluster_enabled).
    private async Task<string?> ClusterStateAsync(int port)
    {
        try
        {
            var info = (string)(await Admin.GetServer("127.0.0.1", port).ExecuteAsync("CLUSTER", "INFO"))!;
            return info.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("cluster_state:", StringComparison.Ordinal))?["cluster_state:".Length..];
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private async Task<Dictionary<string, string>?> InfoAsync(int port, string section)
    {
        try
        {
            var server = Admin.GetServer("127.0.0.1", port);
            return (await server.InfoAsync(section)).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null; // down, paused or not reconnected yet
        }
    }

    private static int Port(System.Net.EndPoint endpoint) => endpoint switch
    {
        System.Net.IPEndPoint ip => ip.Port,
        System.Net.DnsEndPoint dns => dns.Port,
        _ => throw new InvalidOperationException($"unexpected endpoint {endpoint}"),
    };

    public void Dispose()
    {
        Admin.Dispose();
        foreach (var process in _nodes.Values)
        {
            try
            {
                if (!process.HasExited)
                {
                    Signals.Send(process, "CONT");
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
}
