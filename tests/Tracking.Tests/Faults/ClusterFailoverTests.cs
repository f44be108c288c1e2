using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>
/// A real Redis Cluster (3 masters + 3 replicas) under load from retrying visitors. With Redis:AckReplicas=1: a
/// master SIGKILLed, and a replica paused (SIGSTOP) and then its master SIGKILLed — no 500, no acknowledged event
/// missing or undelivered, and the writes to the master whose replica was paused answered 503, not 202. With
/// Redis:AckReplicas=0 the same fault loses what that master acknowledged while its replica lagged: measured, not zero.
/// </summary>
[Collection(RedisFailover.Name)]
public sealed class ClusterFailoverTests
{
    private const int Visitors = 9; // spread over the three masters

    [LocalRedisFact]
    public async Task With_one_ack_replica_a_killed_master_or_a_lagging_replica_loses_nothing_acknowledged()
    {
        using var cluster = new ClusterSet();
        await cluster.WaitHealthyAsync("the cluster to form with a replica in sync per master");
        await using var rig = new FailoverRig(cluster.ConnectionString, ackReplicas: 1, "masters are SIGKILLed and a replica paused on purpose");
        var load = await RetryingLoad.StartAsync(() => rig.App.Browser(), Visitors);
        int acceptedWhilePaused;
        IReadOnlyCollection<string> onPausedMaster;
        try
        {
            await load.AcceptedMoreAsync(100, TimeSpan.FromSeconds(30), "100 events accepted before the faults");

            // (a) a master SIGKILLed: its replica is promoted; the old master, restarted, rejoins as its replica.
            var (first, firstReplica) = await cluster.OwnersAsync(Keys.Session(load.Sessions[0]));
            await FailOverAsync(cluster, load, first, firstReplica, paused: false, "the killed master's replica", "without restarting the service");

            // (b) a replica paused, then its master SIGKILLed while the replica lags.
            (onPausedMaster, var master, var replica) = await OtherMasterAsync(cluster, load, firstReplica);
            await cluster.PauseAndCutOffAsync(replica, master);
            var pausedAt = load.AcceptedFor(onPausedMaster);
            await Eventually.UntilAsync(() => load.RefusedFor(onPausedMaster) >= 10, TimeSpan.FromSeconds(30),
                "writes to the master whose replica is paused to be refused", state: load.State);
            acceptedWhilePaused = load.AcceptedFor(onPausedMaster) - pausedAt;
            await FailOverAsync(cluster, load, master, replica, paused: true, "the lagging replica", "after the second failover");
        }
        finally
        {
            await load.DisposeAsync();
        }

        await cluster.Admin.ConfigureAsync();
        var missing = await FailoverRig.MissingAsync(load, cluster.Admin.GetDatabase());
        await Eventually.UntilAsync(() => rig.Undelivered(load).Count == 0, TimeSpan.FromSeconds(60),
            "Meta to receive every acknowledged event", TimeSpan.FromMilliseconds(200), () => $"{rig.Undelivered(load).Count} undelivered");
        File.WriteAllText(Chromium.ArtifactPath("reliability-cluster-failover-ack1.txt"),
            $"accepted={load.Accepted.Count} missing={missing.Count} undelivered={rig.Undelivered(load).Count} answered_503={load.Count("503")} "
            + $"answered_500={load.Count("500")} accepted_while_replica_paused={acceptedWhilePaused} refused_while_paused_or_failing={load.RefusedFor(onPausedMaster)}\n");

        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events missing after the failovers: {string.Join(", ", missing.Take(10))}");
        Assert.All(load.Refusals, r => Assert.Equal("503 retry-after=5 application/problem+json", r.What));
        // At most the writes whose WAIT had confirmed just before the pause: one in flight per visitor.
        Assert.True(acceptedWhilePaused <= onPausedMaster.Count, $"{acceptedWhilePaused} events accepted while the replica was paused");
    }

    [LocalRedisFact]
    public async Task Without_ack_replicas_a_lagging_replica_promoted_loses_what_its_master_acknowledged_and_the_loss_is_measured()
    {
        using var cluster = new ClusterSet();
        await cluster.WaitHealthyAsync("the cluster to form with a replica in sync per master");
        await using var rig = new FailoverRig(cluster.ConnectionString, ackReplicas: 0, "a master is SIGKILLed on purpose");
        var load = await RetryingLoad.StartAsync(() => rig.App.Browser(), Visitors);
        int acceptedWhilePaused;
        IReadOnlyCollection<string> onPausedMaster;
        try
        {
            await load.AcceptedMoreAsync(100, TimeSpan.FromSeconds(30), "100 events accepted before the fault");
            (onPausedMaster, var master, var replica) = await OtherMasterAsync(cluster, load, avoid: null);
            await cluster.PauseAndCutOffAsync(replica, master);
            var pausedAt = load.AcceptedFor(onPausedMaster);
            // Acknowledged on the master alone: the replica cannot have them.
            await Eventually.UntilAsync(() => load.AcceptedFor(onPausedMaster) >= pausedAt + 50, TimeSpan.FromSeconds(30),
                "50 events acknowledged by the master whose replica is paused", state: load.State);
            acceptedWhilePaused = load.AcceptedFor(onPausedMaster) - pausedAt;
            await FailOverAsync(cluster, load, master, replica, paused: true, "the lagging replica", "after the failover");
        }
        finally
        {
            await load.DisposeAsync();
        }

        await cluster.Admin.ConfigureAsync();
        var missing = await FailoverRig.MissingAsync(load, cluster.Admin.GetDatabase());
        var lostSessions = load.Accepted.Where(a => missing.Contains(a.EventId)).Select(a => a.Session).ToHashSet();
        File.WriteAllText(Chromium.ArtifactPath("reliability-cluster-failover-ack0.txt"),
            $"accepted={load.Accepted.Count} accepted_while_replica_paused={acceptedWhilePaused} missing={missing.Count} "
            + $"answered_503={load.Count("503")} answered_500={load.Count("500")} sessions_gone={load.Refusals.Where(r => r.What.StartsWith("404", StringComparison.Ordinal)).Select(r => r.Session).Distinct().Count()}\n");

        // Documented, not asserted zero: asynchronous replication loses what the promoted replica had not received
        // (sometimes a whole session: its visitor gets 404 and starts a new one, as tracker.js does). Only the
        // failed-over master's visitors can lose anything; no request is ever a 500.
        Assert.Subset(onPausedMaster.ToHashSet(), lostSessions);
        Assert.All(load.Refusals.Where(r => r.What.StartsWith("404", StringComparison.Ordinal)), r => Assert.Contains(r.Session, onPausedMaster));
        Assert.All(load.Refusals.Where(r => !r.What.StartsWith("404", StringComparison.Ordinal)), r => Assert.Equal("503 retry-after=5 application/problem+json", r.What));
    }

    /// <summary>
    /// <paramref name="master"/> SIGKILLed (its <paramref name="replica"/> thawed first when it was paused), the replica
    /// promoted, the old master restarted and back as a replica, and every visitor accepted again.
    /// </summary>
    private static async Task FailOverAsync(ClusterSet cluster, RetryingLoad load, int master, int replica, bool paused, string promoted, string again)
    {
        cluster.Kill(master);
        if (paused)
        {
            cluster.Resume(replica);
        }
        await Eventually.UntilAsync(async () => await cluster.RoleAsync(replica) == "master", TimeSpan.FromSeconds(60),
            $"{promoted} to be promoted", TimeSpan.FromMilliseconds(200), load.State);
        cluster.Restart(master);
        await cluster.WaitHealthyAsync("the killed master back as a replica");
        await load.EveryVisitorAcceptedMoreAsync(5, TimeSpan.FromSeconds(60), $"every visitor accepted again {again}");
    }

    /// <summary>The visitors on one master other than <paramref name="avoid"/>, that master and its replica.</summary>
    private static async Task<(IReadOnlyCollection<string> Sessions, int Master, int Replica)> OtherMasterAsync(ClusterSet cluster, RetryingLoad load, int? avoid)
    {
        var owners = new Dictionary<string, (int Master, int Replica)>();
        foreach (var session in load.Sessions)
        {
            owners[session] = await cluster.OwnersAsync(Keys.Session(session));
        }
        var chosen = owners.Values.First(o => o.Master != avoid);
        return (owners.Where(o => o.Value == chosen).Select(o => o.Key).ToList(), chosen.Master, chosen.Replica);
    }
}
