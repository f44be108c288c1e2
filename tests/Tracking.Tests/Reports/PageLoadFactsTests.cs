using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Reports;

/// <summary>
/// A page load's own events are counted under the touch the same request makes: the session's fields a create or a
/// touch writes in one HSET with the events' visit (event_writes.lua, <c>plan.pending</c>) are written first whenever an
/// event's step reads the session (a content view's or a milestone's fact, its watch time).
/// </summary>
public sealed class PageLoadFactsTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_first_events_of_a_page_load_count_under_its_own_touch()
    {
        var journeys = new ReportJourneys(_app);
        var client = _app.Browser();
        var landing = await client.PostAsJsonAsync("/session", new
        {
            url = "https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter",
            events = new object[]
            {
                new { @event = "ViewContent", eventId = "vc-1", properties = new { content = "trailer_30s" } },
                new { @event = "VideoProgress", eventId = "vp-25", properties = new { content = "trailer_30s", percent = 25 } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, landing.StatusCode);
        var sid = (await landing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;

        _app.Clock.Advance(TimeSpan.FromHours(1));
        var touch = await client.PostAsJsonAsync("/session", new
        {
            url = "https://film.example/watch?utm_source=email&utm_medium=newsletter&utm_campaign=spring",
            sessionId = sid,
            events = new object[] { new { @event = "VideoProgress", eventId = "vp-50", properties = new { content = "trailer_30s", percent = 50, watch_time = 12 } } },
        });
        Assert.Equal(HttpStatusCode.OK, touch.StatusCode);

        var winter = await journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?utmCampaign=winter&{journeys.Range}");
        var spring = await journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?utmCampaign=spring&{journeys.Range}");

        Assert.Equal(["sessions=1", "content_views=1", "video_25=1", "video_50=0"], Steps(winter));
        Assert.Equal(["sessions=0", "content_views=0", "video_25=0", "video_50=1"], Steps(spring));
        // The touch's report, an hour after the session was made: its seconds fit in that hour, so all of them count.
        Assert.Equal("12.0", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), SessionField.TotalWatchTime));
    }

    [Fact]
    public async Task A_page_load_whose_script_fails_partway_leaves_its_session_whole_and_every_key_with_a_ttl()
    {
        // The page load's derived session id, and a key of the wrong type where its events go: the create script fails
        // at its events' ZADD, after the touches, the client and the dedup set were written.
        var sid = await BrokenAsync("plk-broken-0123456789", Keys.Events);

        var pageLoad = new
        {
            url = "https://film.example/watch?utm_source=facebook&utm_campaign=winter",
            pageLoadKey = "plk-broken-0123456789",
            events = new[] { new { @event = "PageView", eventId = "pv-broken" } },
        };
        var client = _app.Browser();
        var response = await client.PostAsJsonAsync("/session", pageLoad);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("winter", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), SessionField.UtmCampaign));
        foreach (var key in new[] { Keys.Session(sid), Keys.Events(sid), Keys.Touches(sid), Keys.Client(sid) })
        {
            Assert.True(await _app.Db.KeyExistsAsync(key), key);
            Assert.NotNull(await _app.Db.KeyTimeToLiveAsync(key));
        }
        Assert.False(await _app.Db.KeyExistsAsync(Keys.Seen(sid)), "the failed event's dedup mark, its only member, is gone");

        // Its event was not stored, so it is not marked seen either: the page load retried once the store is mended
        // finds its session and stores the event.
        await _app.Db.KeyDeleteAsync(Keys.Events(sid));
        var retry = await client.PostAsJsonAsync("/session", pageLoad);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").GetProperty("accepted").GetInt32());
        Assert.Equal(1, await _app.Db.SortedSetLengthAsync(Keys.Events(sid)));
    }

    [Fact]
    public async Task A_page_load_failing_after_its_visit_was_saved_keeps_the_last_page_its_events_set()
    {
        // The partition's outbox entries under a key of the wrong type: the script fails at the enqueue, after the
        // session's fields (written early for the content view's fact) and the events' visit were saved.
        var sid = await BrokenAsync("plk-late-failure-0123", id => Keys.OutboxItems(Partitions.TagOf(id)));

        var pageLoad = new
        {
            url = "https://film.example/watch?utm_campaign=winter",
            pageLoadKey = "plk-late-failure-0123",
            events = new object[]
            {
                new { @event = "ViewContent", eventId = "vc-late", properties = new { content = "trailer_30s" } },
                new { @event = "PageView", eventId = "pv-late", url = "https://film.example/watch/credits" },
            },
        };
        var response = await _app.Browser().PostAsJsonAsync("/session", pageLoad);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("https://film.example/watch/credits", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), SessionField.LastPage));

        // Retried once the store is mended: both events are queued, and what was counted before the failure is not
        // counted again (the content view's once-per-session fact keeps its own mark).
        await _app.Db.KeyDeleteAsync(Keys.OutboxItems(Partitions.TagOf(sid)));
        var retry = await _app.Browser().PostAsJsonAsync("/session", pageLoad);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(2, await _app.Db.SortedSetLengthAsync(Keys.Events(sid)));
        Assert.Equal(2, await _app.Db.HashLengthAsync(Keys.OutboxItems(Partitions.TagOf(sid))) / 2);
        var journeys = new ReportJourneys(_app);
        var funnel = await journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?utmCampaign=winter&{journeys.Range}");
        Assert.Equal(["sessions=1", "content_views=1", "video_25=0", "video_50=0"], Steps(funnel));
    }

    /// <summary>
    /// The session id a page load with <paramref name="pageLoadKey"/> derives, with the key <paramref name="broken"/>
    /// names for it made a string, so the page load's script fails when it writes there (a 503 the test expects).
    /// </summary>
    private async Task<string> BrokenAsync(string pageLoadKey, Func<string, string> broken)
    {
        var secret = await _app.Services.GetRequiredService<Tracking.Sessions.SessionIdSecret>().GetAsync();
        var sid = Ids.PageLoadSessionId(secret, pageLoadKey);
        await _app.Db.StringSetAsync(broken(sid), "not the key's type");
        _app.ExpectErrors("Tracking.Infrastructure.StoreUnavailableHandler", "the store refuses the script's write on purpose");
        return sid;
    }

    private static string[] Steps(JsonElement funnel) => funnel.GetProperty("steps").EnumerateArray().Take(4)
        .Select(s => $"{s.GetProperty("step").GetString()}={s.GetProperty("count").GetInt64()}").ToArray();
}
