using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Privacy;

/// <summary>An entry a worker leased before the erasure is checked when it would be sent, and dropped.</summary>
public sealed class LeasedEntryErasureTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task An_entry_leased_before_the_erasure_is_not_sent_after_it()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var client = _app.Browser();
        var created = await client.NewSessionAsync(extra: new { consent = new { analytics = "granted", marketing = "granted" } });
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        var now = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","timestamp":{{now}}}]}""")).EnsureSuccessStatusCode();
        var store = _app.Services.GetRequiredService<OutboxStore>();
        var leased = await store.LeaseAsync(Partitions.Of(sid), now, now + 60_000, 1000);
        Assert.NotEmpty(leased);

        Assert.Equal(HttpStatusCode.OK, (await _app.Ops().PostAsJsonAsync("/ops/visitors/erase", new { visitorId = visitor })).StatusCode);
        // The worker that holds the lease now sends, reading the sessions just before as it always does.
        var sessions = await _app.Services.GetRequiredService<SessionSnapshots>().ReadAsync(leased.Select(l => l.Entry!.SessionId));
        var sender = _app.Services.GetRequiredService<DestinationSender>();
        var outcomes = new List<Outcome>();
        foreach (var destination in _app.Services.GetServices<IDestination>())
        {
            var mine = leased.Where(l => l.Destination == destination.Name).ToList();
            outcomes.AddRange((await sender.SendAsync(destination, mine, sessions, now, CancellationToken.None)).Select(s => s.Outcome));
        }

        Assert.Equal(leased.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal(new Outcome.Skipped("erased"), o));
        Assert.Empty(_app.MetaEventsDelivered());
        Assert.Empty(_app.PostHogEventsDelivered());
    }
}
