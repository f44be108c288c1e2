using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>Watch time through the API: never more than the wall-clock time between the session's previous report and this one (event times, clamped to the server's clock).</summary>
public sealed class WatchTimeApiTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create();

    public WatchTimeApiTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private Task<HttpResponseMessage> WatchAsync(HttpClient client, string sid, string name, double seconds, string content = "trailer_30s") =>
        client.PostAsJsonAsync("/events", new { sessionId = sid, @event = name, properties = new { content, watch_time = seconds } });

    [Fact]
    public async Task Reported_seconds_are_capped_by_the_time_elapsed_since_the_previous_report()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        _app.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await WatchAsync(client, sid, "VideoWatch", 600)).StatusCode); // a script claiming ten minutes
        _app.Clock.Advance(TimeSpan.FromSeconds(5));
        await WatchAsync(client, sid, "VideoWatch", 4.5);
        await WatchAsync(client, sid, "VideoWatch", 3); // no time has passed since the previous report
        _app.Clock.Advance(TimeSpan.FromSeconds(2));
        await WatchAsync(client, sid, "VideoWatch", 1.5, "intro");

        var hash = (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("16.0", hash["total_watch_time"]);
        Assert.Equal("14.5", hash["trailer_30s_watch_time"]);
        Assert.Equal("1.5", hash["intro_watch_time"]);
    }

    [Fact]
    public async Task A_report_that_arrives_late_keeps_the_time_played_before_it_and_no_timestamp_creates_time()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var start = _app.Clock.GetUtcNow();
        _app.Clock.Advance(TimeSpan.FromSeconds(10));
        Task<HttpResponseMessage> Report(double seconds, TimeSpan at) => client.PostAsJsonAsync("/events", new
        {
            sessionId = sid, @event = "VideoWatch", timestamp = (start + at).ToUnixTimeMilliseconds(), properties = new { content = "trailer_30s", watch_time = seconds },
        });

        // Both reports reach the server at +10 s: the first was made at +4 s (delayed on the network), the second at +9 s.
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await Report(4, TimeSpan.FromSeconds(4))).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await Report(5, TimeSpan.FromSeconds(9))).StatusCode);
        Assert.Equal("9.0", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "total_watch_time"));

        // A timestamp in the future (within the accepted skew) is taken at the server's now: +10 s, one more second.
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await Report(60, TimeSpan.FromMinutes(4))).StatusCode);
        Assert.Equal("10.0", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "total_watch_time"));
        // And one before the previous report adds nothing.
        await Report(3, TimeSpan.FromSeconds(1));
        Assert.Equal("10.0", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "total_watch_time"));
    }

    [Fact]
    public async Task Start_marks_the_content_watched_and_complete_sets_completion_100_once()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "VideoStart", properties = new { content = "intro" } });
        await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "VideoComplete", properties = new { content = "intro" } });
        await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "VideoComplete", properties = new { content = "intro" } });

        var hash = (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("true", hash["intro_watched"]);
        Assert.Equal("100", hash["intro_completion"]);
        Assert.Single(await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid)), v => v.ToString().Contains("VideoComplete", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"sessionId":"SID","event":"VideoWatch","properties":{"content":"intro"}}""")]
    [InlineData("""{"sessionId":"SID","event":"VideoWatch","properties":{"content":"intro","watch_time":-1}}""")]
    [InlineData("""{"sessionId":"SID","event":"VideoWatch","properties":{"content":"intro","watch_time":"5"}}""")]
    [InlineData("""{"sessionId":"SID","event":"VideoProgress","properties":{"content":"intro","percent":25,"watch_time":100000}}""")]
    public async Task Bad_watch_reports_are_problems_naming_watch_time(string json)
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var response = await client.PostJsonAsync("/events", json.Replace("SID", sid, StringComparison.Ordinal));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("properties.watch_time", out _));
    }
}
