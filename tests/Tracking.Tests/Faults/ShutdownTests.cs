using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>A replica SIGTERMed while its sends are in flight: it finishes them, or releases them when it cannot.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly ProcessRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private Dictionary<string, string> Settings(string shutdownTimeoutSeconds) => _rig.Settings(new()
    {
        // Ten minutes: an entry left leased would stay hidden far longer than any wait below.
        ["Delivery:Lease"] = "00:10:00", ["Delivery:AttemptTimeout"] = "00:00:30", ["Delivery:Retries"] = "0",
        ["Delivery:PollInterval"] = "00:00:00.100",
        ["DOTNET_shutdownTimeoutSeconds"] = shutdownTimeoutSeconds,
    });

    [Fact]
    public async Task A_replica_stopped_mid_send_finishes_and_settles_the_send()
    {
        _rig.StubDestinations(delayMs: 4000);
        using var replica = await ServiceProcess.StartAsync(Settings(shutdownTimeoutSeconds: "30"));
        var ids = await ProcessRig.PostEventsAsync([replica], sessions: 1, perSession: 20);
        await Eventually.UntilAsync(() => _rig.DueLaterThan(TimeSpan.FromMinutes(1)) > 0, TimeSpan.FromSeconds(20), "a batch leased while its slow requests are in flight");

        Assert.Equal(0, replica.Terminate());

        // Every event reached Meta once, and the outbox knows it: nothing left leased to be sent again.
        Assert.Equal(ids.Order(), _rig.MetaEventIds().Order());
        Assert.Equal(0, _rig.Waiting());
    }

    [Fact]
    public async Task A_send_outliving_the_shutdown_timeout_releases_its_lease()
    {
        _rig.StubDestinations(delayMs: 8000);
        using var replica = await ServiceProcess.StartAsync(Settings(shutdownTimeoutSeconds: "1"));
        replica.ExpectErrors("Polly", "an abandoned send may be reported by the resilience pipeline");
        var ids = await ProcessRig.PostEventsAsync([replica], sessions: 1, perSession: 20);
        await Eventually.UntilAsync(() => _rig.DueLaterThan(TimeSpan.FromMinutes(1)) > 0, TimeSpan.FromSeconds(20), "a batch leased while its slow requests are in flight");

        Assert.Equal(0, replica.Terminate());

        // Both destinations' entries are still there, due now rather than hidden for the ten-minute lease.
        Assert.Equal(ids.Count * 2, _rig.Waiting());
        Assert.True(_rig.DueLaterThan(TimeSpan.FromMinutes(1)) == 0, $"{_rig.DueLaterThan(TimeSpan.FromMinutes(1))} entries still hidden by the lease; the replica logged:{Environment.NewLine}{replica.Output}");
    }
}
