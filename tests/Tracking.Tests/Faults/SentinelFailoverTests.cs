using System.Globalization;
using StackExchange.Redis;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>
/// A real Sentinel deployment (primary, two replicas, three sentinels) under load from retrying visitors, with
/// Redis:AckReplicas=1: the primary SIGKILLed, then restarted (it comes back a master with stale data until the
/// sentinels turn it into a replica). No 500, no acknowledged event missing from the new primary or from Meta,
/// recovery without a restart, and no script ever run on the old primary once it came back.
/// </summary>
[Collection(RedisFailover.Name)]
public sealed class SentinelFailoverTests
{
    [LocalRedisFact]
    public async Task A_killed_primary_loses_nothing_acknowledged_and_the_old_primary_never_runs_a_script_again()
    {
        using var sentinel = new SentinelSet(replicas: 2);
        await sentinel.WaitReadyAsync(replicas: 2);
        await using var rig = new FailoverRig(sentinel.ConnectionString, ackReplicas: 1, "the primary is SIGKILLed on purpose");
        var old = sentinel.InitialPrimary;
        var load = await RetryingLoad.StartAsync(() => rig.App.Browser(), visitors: 6);
        long scriptsOnOldPrimary;
        try
        {
            await load.AcceptedMoreAsync(100, TimeSpan.FromSeconds(30), "100 events accepted before the kill");
            sentinel.Kill(old);
            await Eventually.UntilAsync(async () => await sentinel.MasterPortAsync() is { } p && p != old, TimeSpan.FromSeconds(60),
                "the sentinels to promote a replica", TimeSpan.FromMilliseconds(200), load.State);
            await load.AcceptedMoreAsync(100, TimeSpan.FromSeconds(60), "100 more events accepted after the failover, without a restart");

            sentinel.RestartAsMaster(old);
            await load.AcceptedMoreAsync(100, TimeSpan.FromSeconds(60), "100 more events accepted with the old primary back");
            await Eventually.UntilAsync(async () => await RoleAsync(old) == "slave", TimeSpan.FromSeconds(60),
                "the sentinels to turn the old primary into a replica", TimeSpan.FromMilliseconds(200), load.State);
            await load.AcceptedMoreAsync(50, TimeSpan.FromSeconds(60), "50 more events accepted once the old primary is a replica");
            scriptsOnOldPrimary = await ScriptsRunAsync(old);
        }
        finally
        {
            await load.DisposeAsync();
        }

        var primary = await sentinel.MasterPortAsync();
        Assert.NotNull(primary);
        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{primary}");
        var missing = await FailoverRig.MissingAsync(load, redis.GetDatabase());
        await Eventually.UntilAsync(() => rig.Undelivered(load).Count == 0, TimeSpan.FromSeconds(60),
            "Meta to receive every acknowledged event", TimeSpan.FromMilliseconds(200), () => $"{rig.Undelivered(load).Count} undelivered");
        File.WriteAllText(Chromium.ArtifactPath("reliability-sentinel-failover.txt"),
            $"accepted={load.Accepted.Count} missing={missing.Count} undelivered={rig.Undelivered(load).Count} answered_503={load.Count("503")} "
            + $"answered_500={load.Count("500")} network_errors={load.Count("network")} scripts_on_old_primary={scriptsOnOldPrimary}\n");

        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events missing on the new primary: {string.Join(", ", missing.Take(10))}");
        Assert.True(load.Count("503") > 0, "the failover was seen as 503s");
        Assert.All(load.Refusals, r => Assert.Equal("503 retry-after=5 application/problem+json", r.What));
        Assert.Equal(0, scriptsOnOldPrimary);
    }

    // A restarted node takes a moment to open its port (longer on a loaded CI machine): until then it has no role yet.
    private static async Task<string> RoleAsync(int port)
    {
        try
        {
            using var node = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true,connectTimeout=1000");
            var role = (RedisResult[])(await node.GetServers()[0].ExecuteAsync("ROLE"))!;
            return (string)role[0]!;
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisServerException)
        {
            return "unreachable";
        }
    }

    // Scripts executed on the node since it started (replicated script effects are not EVAL/EVALSHA calls).
    private static async Task<long> ScriptsRunAsync(int port)
    {
        using var node = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true,connectTimeout=1000");
        var stats = (await node.GetServers()[0].InfoAsync("commandstats")).SelectMany(g => g);
        return stats.Where(s => s.Key is "cmdstat_eval" or "cmdstat_evalsha")
            .Sum(s => long.Parse(s.Value.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture));
    }
}
