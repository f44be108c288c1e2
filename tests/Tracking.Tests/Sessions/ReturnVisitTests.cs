using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>Return visits: a page load after 30 minutes of inactivity is a new visit, counted in session_count.</summary>
public sealed class ReturnVisitTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create();

    public ReturnVisitTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_page_load_after_thirty_idle_minutes_is_a_return_visit_and_posthog_gets_the_count()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        Task<HttpResponseMessage> LoadAsync() => client.PostAsJsonAsync("/session", new { url = "https://film.example/watch", sessionId = sid });

        _app.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await LoadAsync()).StatusCode); // within the visit
        _app.Clock.Advance(TimeSpan.FromMinutes(25));
        await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "PageView" }); // activity keeps the visit alive
        _app.Clock.Advance(TimeSpan.FromMinutes(29));
        await LoadAsync();
        Assert.Equal("1", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "session_count"));

        _app.Clock.Advance(TimeSpan.FromMinutes(31));
        await LoadAsync();
        await LoadAsync();

        Assert.Equal("2", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "session_count"));
        await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "PageView", eventId = "after-return" });
        await _app.RunRoundsAsync();
        var last = _app.PostHogEventsDelivered().Last(e => e.GetProperty("uuid").GetString() is not null && e.GetProperty("properties").GetProperty("tracking_session_id").GetString() == sid);
        Assert.Equal("2", last.GetProperty("properties").GetProperty("$set").GetProperty("session_count").GetString());
    }
}
