using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>
/// A real Redis Cluster, Redis:AckReplicas=1: WAIT runs on the node the write ran on, never on the node another
/// connection maps the key to. A slot moved from master A to master B while both connections still map it to A,
/// and B's replica paused: a write must not be acknowledged by A's replicas (it ran on B, or not at all).
/// </summary>
[Collection(RedisFailover.Name)]
public sealed class ReplicaAckNodeTests
{
    private static readonly ScriptLayout Layout = new(["ledger"], ["slot"]);
    private static readonly RedisScript Script = RedisScript.Load("release_checkout.lua", Layout);

    [LocalRedisFact]
    public async Task A_write_whose_slot_moved_is_awaited_on_the_node_it_ran_on_and_refused_until_that_nodes_replica_confirms()
    {
        using var cluster = new ClusterSet();
        await cluster.WaitHealthyAsync("the cluster to form with a replica in sync per master");
        using var ack = new ReplicaAck(Options.Create(new RedisOptions
        {
            ConnectionString = cluster.ConnectionString,
            AckReplicas = 1,
            AckTimeout = TimeSpan.FromMilliseconds(300),
        }));
        using var shared = await ConnectionMultiplexer.ConnectAsync(RedisSetup.Configure(cluster.ConnectionString));
        ack.Attach(shared);
        var db = shared.GetDatabase();
        RedisKey key = Keys.StripeLedger("ack-node-test");
        ScriptCall Call() => new ScriptCall(Layout).Key("ledger", key).Arg("slot", "s");

        // Both connections learn the topology: the slot's master is A.
        await Script.RunAsync(db, Call());
        var (a, _) = await cluster.OwnersAsync(key);
        var b = (await cluster.MastersAsync()).First(p => p != a);
        var bReplica = await cluster.ReplicaOfAsync(b);
        var nodeA = ReplicaAck.NodeFor(shared, key);

        await cluster.MoveSlotEmptiedAsync(shared.HashSlot(key), a, b);
        // The client still maps the slot to A: the script is sent there with NoRedirect and refused (MOVED), never
        // re-routed to B behind the back of the WAIT that follows it. (Re-routed, it would run on B while the wait
        // went wherever the acknowledgement connection maps the key — on a cluster with two masters claiming a slot
        // for a moment, the old one.)
        var moved = await Assert.ThrowsAnyAsync<RedisException>(() => Script.RunAsync(db, Call()));
        Assert.Contains("MOVED", moved.Message, StringComparison.Ordinal);
        Assert.Equal(b, Port(ReplicaAck.NodeFor(shared, key)));

        await cluster.PauseAndCutOffAsync(bReplica, b);
        try
        {
            // A no longer serves the slot: WAIT there would count A's replicas for a write A never ran. Refused
            // (its marker is sent with NoRedirect: followed, the marker would land on B and A's replica confirm).
            await Assert.ThrowsAsync<NotThePrimaryException>(() => ack.WaitAsync(key, nodeA));

            // The script now runs on B, whose paused replica cannot confirm: never acknowledged.
            for (var i = 0; i < 2; i++)
            {
                await Assert.ThrowsAsync<ReplicaAckTimeoutException>(() => Script.RunAsync(db, Call()));
            }
        }
        finally
        {
            cluster.Resume(bReplica);
        }

        // B's replica back: acknowledged again, without a new connection.
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await Script.RunAsync(db, Call());
                return true;
            }
            catch (RedisException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "a write acknowledged once B's replica has resynced", TimeSpan.FromMilliseconds(200));
    }

    private static int Port(System.Net.EndPoint endpoint) => ((System.Net.IPEndPoint)endpoint).Port;
}
