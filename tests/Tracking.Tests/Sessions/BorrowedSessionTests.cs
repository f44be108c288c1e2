using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>
/// A page load's retry finds its session only through the page's own key (<c>pageLoadKey</c>), which never leaves the
/// page. The PageView's event id does leave it (the snippet gives it to the Meta pixel as <c>eventID</c>), so replaying
/// it must lead to a new session, never to the victim's.
/// </summary>
public sealed class BorrowedSessionTests(BorrowedSessionTests.Fixture app) : SharedAppTests<BorrowedSessionTests.Fixture>(app)
{
    public sealed class Fixture() : TrackingApp(isolated: true);

    private const string Landing = "https://film.example/watch?utm_source=facebook&utm_campaign=winter";

    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    private static object PageView(string id) => new { @event = "PageView", eventId = id, url = Landing };

    [Fact]
    public async Task Replaying_the_page_views_pixel_event_id_from_another_client_gets_a_new_session_never_the_victims()
    {
        var pixelEventId = "pv-" + Guid.NewGuid().ToString("N");
        var victim = await (await App.Browser().FromPeer("198.51.100.7").PostAsJsonAsync("/session",
            new { url = Landing, pageLoadKey = NewKey(), events = new[] { PageView(pixelEventId) } })).Content.ReadFromJsonAsync<JsonElement>();
        var attacker = App.Browser().FromPeer("203.0.113.9");

        var replays = new[]
        {
            await attacker.PostAsJsonAsync("/session", new { url = Landing, events = new[] { PageView(pixelEventId) } }),
            await attacker.PostAsJsonAsync("/session", new { url = Landing, pageLoadKey = NewKey(), events = new[] { PageView(pixelEventId) } }),
            await attacker.PostAsJsonAsync("/session", new { url = Landing, pageLoadKey = pixelEventId, events = new[] { PageView(pixelEventId) } }),
        };

        foreach (var replay in replays)
        {
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
            var body = await replay.Content.ReadFromJsonAsync<JsonElement>();
            Assert.NotEqual(victim.GetProperty("sessionId").GetString(), body.GetProperty("sessionId").GetString());
            Assert.NotEqual(victim.GetProperty("visitorId").GetString(), body.GetProperty("visitorId").GetString());
        }
        Assert.Equal(1, await App.Db.SortedSetLengthAsync(Keys.Events(victim.GetProperty("sessionId").GetString()!)));
    }

    [Fact]
    public async Task A_retry_with_the_same_page_load_key_gets_the_same_session_and_one_with_another_key_does_not()
    {
        var client = App.Browser();
        var key = NewKey();
        var view = PageView("pv-" + Guid.NewGuid().ToString("N"));

        var first = await (await client.PostAsJsonAsync("/session", new { url = Landing, pageLoadKey = key, events = new[] { view } })).Content.ReadFromJsonAsync<JsonElement>();
        var retry = await client.PostAsJsonAsync("/session", new { url = Landing, pageLoadKey = key, events = new[] { view } });
        var other = await (await client.PostAsJsonAsync("/session", new { url = Landing, pageLoadKey = NewKey(), events = new[] { view } })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var again = await retry.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.GetProperty("sessionId").GetString(), again.GetProperty("sessionId").GetString());
        Assert.Equal(first.GetProperty("visitorId").GetString(), again.GetProperty("visitorId").GetString());
        Assert.NotEqual(first.GetProperty("sessionId").GetString(), other.GetProperty("sessionId").GetString());
    }

    [Theory]
    [InlineData("short-key")]
    [InlineData("a key with spaces in it")]
    [InlineData("{braces-are-not-allowed}")]
    public async Task A_page_load_key_that_is_not_16_to_64_safe_characters_is_a_400_naming_it(string key)
    {
        var response = await App.Browser().PostAsJsonAsync("/session", new { url = Landing, pageLoadKey = key });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pageLoadKey", (await response.ProblemAsync()).GetRawText(), StringComparison.Ordinal);
    }
}
