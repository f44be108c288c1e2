using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// Creating sessions (and visitors) has a per-client budget of its own, apart from the request rate: past it 429,
/// while the same client's events and touches of its live sessions pass, and a retried page load that finds its
/// session is neither refused nor charged.
/// </summary>
public sealed class NewSessionBudgetTests
{
    private const string Landing = "https://film.example/watch?utm_source=facebook&utm_campaign=winter";

    private static object PageView(string id) => new { @event = "PageView", eventId = id, url = Landing };

    [Fact]
    public async Task Past_the_new_session_budget_a_client_gets_429_while_its_events_and_touches_to_live_sessions_pass()
    {
        using var app = new TrackingApp(new() { ["Tracking:NewSessionsPerMinute"] = "3" }, isolated: true);
        var client = app.Browser().FromPeer("198.51.100.40");
        var sessions = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add((await client.NewSessionAsync()).GetProperty("sessionId").GetString()!);
        }

        var refused = await client.PostAsJsonAsync("/session", new { url = Landing });
        var events = await client.PostAsJsonAsync("/events", new { sessionId = sessions[0], events = new[] { new { @event = "ButtonClick", eventId = "click-1", url = Landing } } });
        var touch = await client.PostAsJsonAsync("/session", new { url = Landing, sessionId = sessions[1] });
        var otherClient = await app.Browser().FromPeer("198.51.100.41").PostAsJsonAsync("/session", new { url = Landing });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta is { } wait && wait >= TimeSpan.FromSeconds(1) && wait <= TimeSpan.FromMinutes(1), "Retry-After within the minute");
        var problem = await refused.ProblemAsync();
        Assert.Equal("Tracking:NewSessionsPerMinute", problem.GetProperty("limit").GetString());
        Assert.Equal(HttpStatusCode.Accepted, events.StatusCode);
        Assert.Equal(HttpStatusCode.OK, touch.StatusCode);
        Assert.Equal(HttpStatusCode.Created, otherClient.StatusCode);
        // The refused request wrote no session, nor its touches, client or visitor: three from this client, one from the other.
        foreach (var pattern in new[] { Keys.Session("*"), Keys.Touches("*"), Keys.Client("*"), Keys.Visitor("*") })
        {
            Assert.Equal(4, RedisServer.Shared.Keys(app.Database, pattern).Count());
        }
        // Each client's count lives until its window ends, however many units it took (the TTL is set as it opens).
        var budgets = RedisServer.Shared.Keys(app.Database, Keys.ClientBudget("new-sessions", "*")).ToList();
        Assert.Equal(2, budgets.Count);
        Assert.All(await Task.WhenAll(budgets.Select(k => app.Db.KeyTimeToLiveAsync(k))),
            ttl => Assert.InRange(ttl ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_retried_page_load_past_the_budget_finds_its_session_and_is_not_charged()
    {
        using var app = new TrackingApp(new() { ["Tracking:NewSessionsPerMinute"] = "2" }, isolated: true);
        var client = app.Browser().FromPeer("2001:db8:26:1::1");
        // A page load's retry is found by its pageLoadKey, which the snippet keeps to itself; one key per page load here.
        async Task<HttpResponseMessage> PageLoadAsync(string eventId) =>
            await client.PostAsJsonAsync("/session", new { url = Landing, pageLoadKey = $"key-{eventId}-0123456789", events = new[] { PageView(eventId) } });

        var first = await PageLoadAsync("pv-first");
        var retry = await PageLoadAsync("pv-first");       // under budget: finds its session, gives its unit back
        var second = await PageLoadAsync("pv-second");      // the budget's second unit
        var retryPast = await PageLoadAsync("pv-second");   // past the budget: still finds its session
        var third = await PageLoadAsync("pv-third");        // a new session past the budget

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retryPast.StatusCode);
        Assert.Equal(await SessionIdAsync(first), await SessionIdAsync(retry));
        Assert.Equal(await SessionIdAsync(second), await SessionIdAsync(retryPast));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("Tracking:NewSessionsPerMinute", (await third.ProblemAsync()).GetProperty("limit").GetString());
    }

    [Fact]
    public async Task A_page_load_refused_as_full_takes_nothing_from_the_budget()
    {
        using var app = new TrackingApp(new() { ["Tracking:NewSessionsPerMinute"] = "1", ["Tracking:MaxEventsPerSession"] = "2" }, isolated: true);
        var client = app.Browser().FromPeer("198.51.100.42");

        var full = await client.PostAsJsonAsync("/session", new { url = Landing, events = new[] { PageView("pv-1"), PageView("pv-2"), PageView("pv-3") } });
        var created = await client.PostAsJsonAsync("/session", new { url = Landing, events = new[] { PageView("pv-4") } });

        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode); // the budget's one unit was still there
    }

    private static async Task<string> SessionIdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
}
