using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Privacy;

/// <summary>
/// Which PostHog persons an erasure asks PostHog to delete: every one the visitor's records carry, even after its
/// sessions expired, and never one another visitor's records carry too.
/// </summary>
public sealed class PostHogPersonErasureTests : IDisposable
{
    private const string PersonsPath = "/api/projects/4242/persons/bulk_delete/";

    private readonly DeliveryApp _app = DeliveryApp.Create(new()
    {
        ["PostHog:PersonalApiKey"] = "phx_personal_key_never_logged",
        ["PostHog:ProjectId"] = "4242",
    });

    private readonly HttpClient _ops;

    public PostHogPersonErasureTests()
    {
        _app.Stub.Given(Request.Create().WithPath(PersonsPath).UsingPost().WithHeader("Authorization", "Bearer phx_personal_key_never_logged"))
            .AtPriority(100).RespondWith(Response.Create().WithStatusCode(202));
        _ops = _app.Ops();
    }

    public void Dispose() => _app.Dispose();

    private int _peers;

    // Each visitor from an address of its own: new sessions have a per-client budget.
    private async Task<(string Visitor, string Sid)> VisitorAsync(string? posthogDistinctId)
    {
        var created = await _app.Browser().FromPeer($"198.51.100.{++_peers}").NewSessionAsync(extra: posthogDistinctId is null ? null : new { posthogDistinctId });
        return (created.GetProperty("visitorId").GetString()!, created.GetProperty("sessionId").GetString()!);
    }

    private async Task<JsonElement> EraseAsync(string visitorId)
    {
        var response = await _ops.PostAsJsonAsync("/ops/visitors/erase", new { visitorId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private List<List<string>> DeletionsAsked() => _app.Calls(PersonsPath)
        .Select(c => JsonDocument.Parse(c.RequestMessage.Body!).RootElement.GetProperty("distinct_ids").EnumerateArray().Select(i => i.GetString()!).ToList())
        .ToList();

    [Fact]
    public async Task A_posthog_id_is_erased_after_the_session_that_named_it_expired()
    {
        var (visitor, sid) = await VisitorAsync("ph-expired-session-id");
        // The session's keys expire (7 days); the visitor lives on.
        foreach (var key in new[] { Keys.Session(sid), Keys.Events(sid), Keys.Seen(sid), Keys.Touches(sid), Keys.Client(sid) })
        {
            await _app.Db.KeyDeleteAsync(key);
        }

        var export = await (await _ops.PostAsJsonAsync("/ops/visitors/export", new { visitorId = visitor })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["ph-expired-session-id"], Assert.Single(export.GetProperty("visitors").EnumerateArray()).GetProperty("postHogIds").EnumerateArray().Select(i => i.GetString()));
        var counts = await EraseAsync(visitor);

        Assert.Contains("ph-expired-session-id", Assert.Single(DeletionsAsked()));
        Assert.Equal("accepted", counts.GetProperty("postHog").GetString());
        Assert.False(await _app.Db.KeyExistsAsync(Keys.PostHogVisitors("ph-expired-session-id")));
    }

    [Fact]
    public async Task Erasing_one_of_two_visitors_who_named_the_same_posthog_id_never_deletes_that_person()
    {
        var (a, _) = await VisitorAsync("ph-shared-person");
        var (b, _) = await VisitorAsync("ph-shared-person");

        var first = await EraseAsync(a);

        Assert.Equal(1, first.GetProperty("postHogPersonsKept").GetInt32());
        var asked = Assert.Single(DeletionsAsked());
        Assert.DoesNotContain("ph-shared-person", asked);
        Assert.Contains(a, asked);
        Assert.Equal(asked.Count, first.GetProperty("postHogPersonsAsked").GetInt32());

        // Now only B's records carry it: B's erasure deletes the person.
        var second = await EraseAsync(b);
        Assert.Contains("ph-shared-person", DeletionsAsked()[1]);
        Assert.Equal(0, second.GetProperty("postHogPersonsKept").GetInt32());
    }

    [Fact]
    public async Task A_visitor_naming_another_visitors_id_as_its_posthog_id_does_not_get_that_person_deleted()
    {
        var (victim, victimSession) = await VisitorAsync(null);
        var (claimsVisitor, _) = await VisitorAsync(victim);
        var (claimsSession, _) = await VisitorAsync(victimSession);

        await EraseAsync(claimsVisitor);
        await EraseAsync(claimsSession);

        var asked = DeletionsAsked().SelectMany(ids => ids).ToList();
        Assert.Contains(claimsVisitor, asked);
        Assert.DoesNotContain(victim, asked);
        Assert.DoesNotContain(victimSession, asked);
    }

    [Fact]
    public async Task The_posthog_ids_of_one_visitor_and_the_visitors_of_one_id_are_bounded()
    {
        var (visitor, sid) = await VisitorAsync("ph-bound-0");
        var client = _app.Browser();
        for (var i = 1; i <= IndexSet.MaxPostHogIdsPerVisitor + 3; i++)
        {
            (await client.PostAsJsonAsync("/session", new { sessionId = sid, url = "https://film.example/", posthogDistinctId = $"ph-bound-{i}" })).EnsureSuccessStatusCode();
        }
        var members = await _app.Db.SetMembersAsync(Keys.VisitorIndex(visitor));
        Assert.Equal(IndexSet.MaxPostHogIdsPerVisitor, members.Count(m => m.ToString().StartsWith("p:", StringComparison.Ordinal)));
        Assert.True(await _app.Db.KeyTimeToLiveAsync(Keys.VisitorIndex(visitor)) > TimeSpan.FromDays(399));

        for (var i = 0; i < IndexSet.MaxVisitorsPerPostHogId + 3; i++)
        {
            await VisitorAsync("ph-crowded");
        }
        var crowd = await _app.Db.SetMembersAsync(Keys.PostHogVisitors("ph-crowded"));
        Assert.Equal(IndexSet.MaxVisitorsPerPostHogId + 1, crowd.Length);
        Assert.Contains(crowd, m => m == IndexSet.Crowded);
        Assert.True(await _app.Db.KeyTimeToLiveAsync(Keys.PostHogVisitors("ph-crowded")) > TimeSpan.FromDays(399));
    }
}
