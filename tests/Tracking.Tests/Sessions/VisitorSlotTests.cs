using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Sessions;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>
/// A visitor's keys share its sessions' slot (a new visitor's id is made on its first session's slot, a known
/// visitor's later sessions on the visitor's), so the page load's own script counts the visit and indexes the page's
/// PostHog id: the counts and bounds are those of the separate scripts they replace.
/// </summary>
public sealed class VisitorSlotTests : IDisposable
{
    private const string Landing = "https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter";
    private readonly DeliveryApp _app = DeliveryApp.Create();

    public void Dispose() => _app.Dispose();

    private static object Body(string? sessionId = null, string? visitorId = null, string? posthog = null, string? key = null) => new
    {
        url = Landing,
        sessionId,
        visitorId,
        posthogDistinctId = posthog,
        pageLoadKey = key ?? Guid.NewGuid().ToString("N"),
        events = new[] { new { @event = "PageView", eventId = Guid.NewGuid().ToString("N"), url = Landing } },
    };

    private async Task<(string Session, string Visitor)> LoadAsync(HttpClient client, object body, HttpStatusCode expected)
    {
        var response = await client.PostAsJsonAsync("/session", body);
        Assert.Equal(expected, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (answer.GetProperty("sessionId").GetString()!, answer.GetProperty("visitorId").GetString()!);
    }

    private async Task<string?> SessionCountAsync(string sid) => await _app.Db.HashGetAsync(Keys.Session(sid), SessionField.SessionCount);

    private async Task<string?> VisitCountAsync(string visitor) => await _app.Db.StringGetAsync(Keys.Visitor(visitor));

    [Fact]
    public async Task A_known_visitors_new_session_is_made_on_its_slot_and_counted_once_even_when_retried()
    {
        var client = _app.Browser();
        var (first, visitor) = await LoadAsync(client, Body(), HttpStatusCode.Created);
        var landing = Body(visitorId: visitor, key: "page-load-key-second-landing");

        var (second, sameVisitor) = await LoadAsync(client, landing, HttpStatusCode.Created);
        var (retried, _) = await LoadAsync(client, landing, HttpStatusCode.OK);

        Assert.Equal(visitor, sameVisitor);
        Assert.Equal(second, retried);
        Assert.NotEqual(first, second);
        Assert.Equal(Crc16.Slot(visitor), Crc16.Slot(second));
        Assert.Equal("1", await SessionCountAsync(first));
        Assert.Equal("2", await SessionCountAsync(second));
        Assert.Equal("2", await VisitCountAsync(visitor));
        Assert.Contains(SessionStore.VisitMember(second), (await _app.Db.SetMembersAsync(Keys.VisitorIndex(visitor))).Select(m => m.ToString()));
    }

    [Fact]
    public async Task A_return_visit_naming_its_visitor_is_counted_for_the_visitor_and_on_the_session_once_per_visit()
    {
        var client = _app.Browser();
        var (sid, visitor) = await LoadAsync(client, Body(), HttpStatusCode.Created);

        _app.Clock.Advance(TimeSpan.FromMinutes(31));
        await LoadAsync(client, Body(sid, visitor), HttpStatusCode.OK);
        await LoadAsync(client, Body(sid, visitor), HttpStatusCode.OK);

        Assert.Equal("2", await SessionCountAsync(sid));
        Assert.Equal("2", await VisitCountAsync(visitor));
    }

    [Fact]
    public async Task A_page_naming_another_visitor_than_the_sessions_counts_the_sessions_own_visitor()
    {
        var (sid, owner) = await LoadAsync(_app.Browser().FromPeer("198.51.100.1"), Body(), HttpStatusCode.Created);
        var (_, other) = await LoadAsync(_app.Browser().FromPeer("198.51.100.2"), Body(), HttpStatusCode.Created);

        _app.Clock.Advance(TimeSpan.FromMinutes(31));
        await LoadAsync(_app.Browser(), Body(sid, other), HttpStatusCode.OK);

        Assert.Equal("2", await SessionCountAsync(sid));
        Assert.Equal("2", await VisitCountAsync(owner));
        Assert.Equal("1", await VisitCountAsync(other));
    }

    [Fact]
    public async Task A_page_naming_its_visitor_indexes_its_posthog_ids_up_to_the_bound_and_is_listed_under_none_past_it()
    {
        var client = _app.Browser();
        var (sid, visitor) = await LoadAsync(client, Body(posthog: "ph-slot-0"), HttpStatusCode.Created);
        for (var i = 1; i <= IndexSet.MaxPostHogIdsPerVisitor + 2; i++)
        {
            await LoadAsync(client, Body(sid, visitor, $"ph-slot-{i}"), HttpStatusCode.OK);
        }

        var members = await _app.Db.SetMembersAsync(Keys.VisitorIndex(visitor));
        Assert.Equal(IndexSet.MaxPostHogIdsPerVisitor, members.Count(m => m.ToString().StartsWith(IndexSet.PostHogPrefix, StringComparison.Ordinal)));
        Assert.Equal([visitor], (await _app.Db.SetMembersAsync(Keys.PostHogVisitors("ph-slot-0"))).Select(m => m.ToString()));
        Assert.Equal([visitor], (await _app.Db.SetMembersAsync(Keys.PostHogVisitors($"ph-slot-{IndexSet.MaxPostHogIdsPerVisitor - 1}"))).Select(m => m.ToString()));
        Assert.Empty(await _app.Db.SetMembersAsync(Keys.PostHogVisitors($"ph-slot-{IndexSet.MaxPostHogIdsPerVisitor + 2}")));
        Assert.True(await _app.Db.KeyTimeToLiveAsync(Keys.PostHogVisitors("ph-slot-0")) > TimeSpan.FromDays(399));
    }

    [Fact]
    public async Task A_new_visit_renews_the_posthog_ids_index_a_longer_life_is_kept_and_an_empty_id_writes_none()
    {
        var client = _app.Browser();
        var (sid, visitor) = await LoadAsync(client, Body(posthog: "ph-renew"), HttpStatusCode.Created);
        var index = Keys.PostHogVisitors("ph-renew");
        await _app.Db.KeyExpireAsync(index, TimeSpan.FromSeconds(60));

        _app.Clock.Advance(TimeSpan.FromMinutes(31));
        await LoadAsync(client, Body(sid, visitor, "ph-renew"), HttpStatusCode.OK); // a new visit naming the id

        Assert.True(await _app.Db.KeyTimeToLiveAsync(index) > TimeSpan.FromDays(399), "renewed by the new visit");
        Assert.Equal([visitor], (await _app.Db.SetMembersAsync(index)).Select(m => m.ToString()));

        await _app.Db.KeyExpireAsync(index, TimeSpan.FromDays(2000));
        _app.Clock.Advance(TimeSpan.FromMinutes(31));
        await LoadAsync(client, Body(sid, visitor, "ph-renew"), HttpStatusCode.OK);
        Assert.True(await _app.Db.KeyTimeToLiveAsync(index) > TimeSpan.FromDays(1999), "a longer life is never shortened");

        await LoadAsync(client, Body(posthog: ""), HttpStatusCode.Created);
        Assert.False(await _app.Db.KeyExistsAsync(Keys.PostHogVisitors("")));
    }
}
