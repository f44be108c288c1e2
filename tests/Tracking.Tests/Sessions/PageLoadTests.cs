using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>
/// A page load is one request: POST /session carries the page's first events and stores them in the session's own
/// script, exactly as POST /events would, exactly once however often the request is retried with its page load key.
/// </summary>
public sealed class PageLoadTests(PageLoadTests.Fixture app) : SharedAppTests<PageLoadTests.Fixture>(app)
{
    // Destinations configured (so outbox entries are queued), the worker off (so they stay to be counted).
    public sealed class Fixture() : TrackingApp(new()
    {
        ["Meta:PixelId"] = "1234567890", ["Meta:AccessToken"] = "token", ["PostHog:ApiKey"] = "phc_test",
        ["Delivery:WorkerEnabled"] = "false", ["Tracking:MaxEventsPerSession"] = "4",
    }, isolated: true);

    private const string Landing = "https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter";

    private static object PageView(string id) => new { @event = "PageView", eventId = id, url = Landing };

    [Fact]
    public async Task A_landing_with_its_page_view_stores_the_session_the_event_and_its_deliveries_in_one_request()
    {
        var eventId = "pv-" + Guid.NewGuid().ToString("N");

        var response = await App.Browser().PostAsJsonAsync("/session", new { url = Landing, events = new[] { PageView(eventId) } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var sid = body.GetProperty("sessionId").GetString()!;
        Assert.Equal(1, body.GetProperty("events").GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("events").GetProperty("duplicates").GetInt32());
        var stored = Assert.Single(await App.Db.SortedSetRangeByRankAsync(Keys.Events(sid)));
        Assert.Equal("PageView", JsonDocument.Parse(stored.ToString()).RootElement.GetProperty("event").GetString());
        Assert.Equal("winter", (string?)await App.Db.HashGetAsync(Keys.Session(sid), "last_touch_campaign"));
        Assert.Equal(["meta:" + sid + ":" + eventId, "posthog:" + sid + ":" + eventId], await OutboxIdsAsync(sid));
        // The visit that PostHog's $session_id needs starts with the page view, as if POST /events had stored it.
        Assert.True((await App.Db.HashGetAsync(Keys.Session(sid), "visit_start")).HasValue);
    }

    [Fact]
    public async Task A_retried_landing_finds_the_session_its_first_attempt_made_and_stores_nothing_twice()
    {
        var client = App.Browser();
        var body = new { url = Landing, pageLoadKey = "key-" + Guid.NewGuid().ToString("N"), events = new[] { PageView("pv-" + Guid.NewGuid().ToString("N")), new { @event = "ButtonClick", eventId = "click-" + Guid.NewGuid().ToString("N"), url = Landing } } };

        var first = await (await client.PostAsJsonAsync("/session", body)).Content.ReadFromJsonAsync<JsonElement>();
        var queued = await OutboxIdsAsync(first.GetProperty("sessionId").GetString()!);
        var retry = await client.PostAsJsonAsync("/session", body); // the first answer was lost: the same request again
        var again = await retry.Content.ReadFromJsonAsync<JsonElement>();

        var sid = first.GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(sid, again.GetProperty("sessionId").GetString());
        Assert.Equal(first.GetProperty("visitorId").GetString(), again.GetProperty("visitorId").GetString());
        Assert.Equal(0, again.GetProperty("events").GetProperty("accepted").GetInt32());
        Assert.Equal(2, again.GetProperty("events").GetProperty("duplicates").GetInt32());
        Assert.Equal(2, await App.Db.SortedSetLengthAsync(Keys.Events(sid)));
        Assert.Equal(3, queued.Count); // the page view to both destinations, the click to PostHog only
        Assert.Equal(queued, await OutboxIdsAsync(sid));
        Assert.Equal(1, (long)await App.Db.StringGetAsync(Keys.Visitor(first.GetProperty("visitorId").GetString()!)));
        Assert.Equal("1", (string?)await App.Db.HashGetAsync(Keys.Session(sid), "session_count"));
    }

    [Fact]
    public async Task Two_copies_of_one_landing_at_once_make_one_session()
    {
        var body = new { url = Landing, pageLoadKey = "key-" + Guid.NewGuid().ToString("N"), events = new[] { PageView("pv-" + Guid.NewGuid().ToString("N")) } };
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            await (await App.Browser().PostAsJsonAsync("/session", body)).Content.ReadFromJsonAsync<JsonElement>()));

        var sid = Assert.Single(answers.Select(a => a.GetProperty("sessionId").GetString()).Distinct());
        Assert.Equal(1, answers.Sum(a => a.GetProperty("events").GetProperty("accepted").GetInt32()));
        Assert.Equal(1, await App.Db.SortedSetLengthAsync(Keys.Events(sid!)));
    }

    [Fact]
    public async Task A_returning_visitors_page_load_touches_the_session_and_stores_its_events_once()
    {
        var client = App.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var body = new { url = "https://film.example/?utm_source=email&utm_campaign=december", sessionId = sid, events = new[] { PageView("pv-" + Guid.NewGuid().ToString("N")) } };

        var touched = await client.PostAsJsonAsync("/session", body);
        var retried = await (await client.PostAsJsonAsync("/session", body)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, touched.StatusCode);
        Assert.Equal(1, (await touched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").GetProperty("accepted").GetInt32());
        Assert.Equal(1, retried.GetProperty("events").GetProperty("duplicates").GetInt32());
        Assert.Equal(1, await App.Db.SortedSetLengthAsync(Keys.Events(sid)));
        Assert.Equal("december", (string?)await App.Db.HashGetAsync(Keys.Session(sid), "last_touch_campaign"));
    }

    [Theory]
    [InlineData("""[{"event":"Purchase","eventId":"p1"}]""", 403, "events[0].event")]
    [InlineData("""[{"event":"PageView","eventId":"p1","sessionId":"abc"}]""", 400, "events[0].sessionId")]
    [InlineData("""[{"event":"PageView","eventId":"p1","timestamp":"soon"}]""", 400, "events[0].timestamp")]
    public async Task Page_load_events_are_checked_like_a_batch_and_a_refused_one_creates_nothing(string events, int status, string field)
    {
        var visitor = "v" + Guid.NewGuid().ToString("N");

        var response = await App.Browser().PostJsonAsync("/session", $$"""{"url":"{{Landing}}","visitorId":"{{visitor}}","events":{{events}}}""");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(field, (await response.ProblemAsync()).GetRawText(), StringComparison.Ordinal);
        Assert.False(await App.Db.KeyExistsAsync(Keys.Visitor(visitor)));
    }

    [Fact]
    public async Task More_page_load_events_than_a_batch_allows_are_refused_naming_events()
    {
        var events = Enumerable.Range(0, 51).Select(i => PageView("pv" + i)).ToArray();

        var response = await App.Browser().PostAsJsonAsync("/session", new { url = Landing, events });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"events\"", (await response.ProblemAsync()).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_session_refuses_the_page_load_whole_and_keeps_its_last_touch()
    {
        var client = App.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var fill = Enumerable.Range(0, 4).Select(i => new { @event = "ButtonClick", eventId = $"fill{i}", url = Landing }).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/events", new { sessionId = sid, events = fill })).StatusCode);

        var response = await client.PostAsJsonAsync("/session", new { url = "https://film.example/?utm_source=email&utm_campaign=december", sessionId = sid, events = new[] { PageView("late") } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("\"events\"", (await response.ProblemAsync()).GetRawText(), StringComparison.Ordinal);
        Assert.Equal("winter", (string?)await App.Db.HashGetAsync(Keys.Session(sid), "last_touch_campaign"));
        Assert.Equal(4, await App.Db.SortedSetLengthAsync(Keys.Events(sid)));
    }

    private async Task<List<string>> OutboxIdsAsync(string sid) =>
        [.. (await App.Db.SortedSetRangeByRankAsync(Keys.OutboxDue(Partitions.TagOf(sid)))).Select(k => k.ToString()).Where(k => k.Contains(sid, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
}
