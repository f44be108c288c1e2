using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>Real service processes: one SIGKILLed mid-delivery and restarted; two replicas draining one Redis.</summary>
public sealed class ProcessFaultTests : IDisposable
{
    private readonly ProcessRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private Dictionary<string, string> Settings(string lease) => _rig.Settings(new()
    {
        ["Tracking:RateLimitPerMinute"] = "1000000",
        ["Tracking:OpsRateLimitPerMinute"] = "1000000",
        ["Tracking:NewSessionsPerMinute"] = "1000000",
        ["Delivery:Lease"] = lease, ["Delivery:AttemptTimeout"] = "00:00:03", ["Delivery:Retries"] = "0",
        ["Delivery:PollInterval"] = "00:00:00.100", ["Delivery:BaseBackoff"] = "00:00:00.200", ["Delivery:MaxBackoff"] = "00:00:01",
    });

    [Fact]
    public async Task A_service_killed_mid_delivery_loses_nothing_after_restart()
    {
        _rig.StubDestinations(delayMs: 1500);
        var settings = Settings(lease: "00:00:07");
        using var first = await ServiceProcess.StartAsync(settings);
        var ids = await ProcessRig.PostEventsAsync([first], sessions: 4, perSession: 25);

        // Wait until a batch is leased (due time pushed past now) while its slow request is in flight, then SIGKILL.
        // The count the wait saw is kept: reading it again (256 round trips) could outlast the lease it found.
        long leasedAtKill = 0;
        await Eventually.UntilAsync(() => (leasedAtKill = _rig.DueLaterThan(TimeSpan.FromSeconds(2))) > 0, TimeSpan.FromSeconds(20), "a batch leased while its slow request is in flight");
        first.Kill();
        Assert.True(leasedAtKill > 0, "the kill happened while a batch was leased");
        using var second = await ServiceProcess.StartAsync(settings);
        await Eventually.UntilAsync(() => !ids.Except(_rig.MetaEventIds()).Any(), TimeSpan.FromSeconds(40),
            "the restarted service to deliver every event to Meta", TimeSpan.FromMilliseconds(100), () => $"{ids.Except(_rig.MetaEventIds()).Count()} of {ids.Count} not delivered");

        var delivered = _rig.MetaEventIds();
        Assert.Empty(ids.Except(delivered));
        File.WriteAllText(Chromium.ArtifactPath("reliability-service-kill.txt"),
            $"events={ids.Count} leased_at_kill={leasedAtKill} delivered_distinct={delivered.Distinct().Count()} meta_sends={delivered.Count} duplicates_absorbed_by_event_id={delivered.Count - delivered.Distinct().Count()}\n");
    }

    [Fact]
    public async Task Two_replicas_draining_one_redis_deliver_every_event_exactly_once()
    {
        _rig.StubDestinations(delayMs: 50);
        var settings = Settings(lease: "00:00:30");
        using var a = await ServiceProcess.StartAsync(settings);
        using var b = await ServiceProcess.StartAsync(settings);

        var ids = await ProcessRig.PostEventsAsync([a, b], sessions: 20, perSession: 20);
        await Eventually.UntilAsync(() => _rig.MetaEventIds().Count >= ids.Count, TimeSpan.FromSeconds(30),
            "the two replicas to send as many events to Meta as were posted", TimeSpan.FromMilliseconds(100), () => $"{_rig.MetaEventIds().Count} of {ids.Count} sent");

        var delivered = _rig.MetaEventIds();
        Assert.Equal(ids.Order(), delivered.Order());
        File.WriteAllText(Chromium.ArtifactPath("reliability-two-replicas.txt"),
            $"events={ids.Count} meta_sends={delivered.Count} duplicates=0 meta_requests={_rig.MetaRequests()}\n");
    }
}
