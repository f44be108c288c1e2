using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Tests.Support;

namespace Tracking.Tests.Consent;

/// <summary>Tracking:ConsentMode=opt-in: pending consent holds events until it is decided or the session expires.</summary>
public sealed class OptInTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create(new() { ["Tracking:ConsentMode"] = "opt-in" });

    public OptInTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private async Task<long> DepthAsync() => (await _app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth;

    private async Task<(HttpClient Client, string Sid)> PendingVisitorWithAPageViewAsync()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var now = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","eventId":"pv-1","timestamp":{{now}}}]}""")).EnsureSuccessStatusCode();
        await _app.RunRoundsAsync(3);
        Assert.Empty(_app.MetaEventsDelivered());
        Assert.Empty(_app.PostHogEventsDelivered());
        Assert.Equal(2, await DepthAsync());
        return (client, sid);
    }

    [Fact]
    public async Task Pending_events_are_held_then_sent_where_consent_is_granted_and_dropped_where_denied()
    {
        var (client, sid) = await PendingVisitorWithAPageViewAsync();

        var touched = await client.PostAsJsonAsync("/session", new { sessionId = sid, url = "https://film.example/watch", consent = new { marketing = "granted", analytics = "denied" } });
        touched.EnsureSuccessStatusCode();
        await _app.RunUntilAsync(() => _app.MetaEventsDelivered().Count == 1, "the held PageView sent to Meta once marketing consent is granted");
        await _app.RunRoundsAsync();

        Assert.Equal("pv-1", Assert.Single(_app.MetaEventsDelivered()).GetProperty("event_id").GetString());
        Assert.Empty(_app.PostHogEventsDelivered());
        Assert.Equal(0, await DepthAsync());
    }

    [Fact]
    public async Task Held_events_are_dropped_when_the_session_expires_undecided()
    {
        var (_, sid) = await PendingVisitorWithAPageViewAsync();

        await SessionKeys.ExpireAsync(_app.Db, sid);
        await _app.RunRoundsAsync(2);

        Assert.Empty(_app.MetaEventsDelivered());
        Assert.Empty(_app.PostHogEventsDelivered());
        Assert.Equal(0, await DepthAsync());
    }
}
