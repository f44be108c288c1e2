using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Privacy;

/// <summary>Data-subject requests through the HTTP API against real Redis: export, lookup by e-mail, erasure.</summary>
public sealed class ErasureTests : IDisposable
{
    private const string Ip = "203.0.113.77";
    private const string Email = "Donor@Example.com";
    private const string PersonsPath = "/api/projects/4242/persons/bulk_delete/";

    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe(new()
    {
        ["PostHog:PersonalApiKey"] = "phx_personal_key_never_logged",
        ["PostHog:ProjectId"] = "4242",
    });

    private readonly HttpClient _ops;

    public ErasureTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        _app.Stub.Given(Request.Create().WithPath(PersonsPath).UsingPost().WithHeader("Authorization", "Bearer phx_personal_key_never_logged"))
            .AtPriority(100).RespondWith(Response.Create().WithStatusCode(202));
        _ops = _app.CreateClient();
        _ops.DefaultRequestHeaders.Authorization = new("Bearer", OpsKey.Value);
    }

    public void Dispose() => _app.Dispose();

    private string Range
    {
        get
        {
            var day = _app.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            return $"from={day}&to={day}";
        }
    }

    // Free text a visitor may have typed into a campaign link (or a link may carry about them).
    private const string Term = "privacytermtyped";
    private const string Content = "privacycontenttyped";

    private async Task<(string Sid, string Visitor)> DonorJourneyAsync()
    {
        var client = _app.Browser(userAgent: "Mozilla/5.0 (X11; Linux x86_64) PrivacyTestAgent/1.0").FromPeer(Ip);
        var landing = $"https://film.example/watch?utm_source=facebook&utm_medium=social&utm_campaign=winter&utm_content={Content}&utm_term={Term}";
        var created = await client.NewSessionAsync(landing, extra: new { consent = new { analytics = "granted", marketing = "granted" }, posthogDistinctId = "ph-distinct-123" });
        var sid = created.GetProperty("sessionId").GetString()!;
        var now = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        (await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","events":[{"event":"ViewContent","timestamp":{{{now}}},"properties":{"content":"trailer_30s"}}]}""")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeMetadata.EchoingMetadata(_app, "evt_paid", "checkout.session.completed", sid, Email))).StatusCode);
        // A second visit the same day, still queued for delivery when the request comes in.
        (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","timestamp":{{now + 1}}}]}""")).EnsureSuccessStatusCode();
        return (sid, created.GetProperty("visitorId").GetString()!);
    }

    private static async Task<string> EverythingAsync(IDatabase db, int database)
    {
        var all = new StringBuilder();
        foreach (var key in RedisServer.Shared.Keys(database, "*")) // every master, on a cluster
        {
            all.Append(key).Append('\n');
            var content = await db.KeyTypeAsync(key) switch
            {
                RedisType.String => [(string?)await db.StringGetAsync(key)],
                RedisType.Hash => (await db.HashGetAllAsync(key)).SelectMany(e => new[] { (string?)e.Name, (string?)e.Value }),
                RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (string?)v),
                RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => (string?)v),
                RedisType.List => (await db.ListRangeAsync(key)).Select(v => (string?)v),
                var other => [$"unexpected type {other}"],
            };
            all.AppendJoin('\n', content).Append('\n');
        }
        return all.ToString();
    }

    [Fact]
    public async Task A_donor_found_by_email_is_exported_then_erased_leaving_nothing_that_names_them_and_reports_unchanged()
    {
        var (sid, visitor) = await DonorJourneyAsync();
        var reportBefore = await _ops.GetStringAsync($"/reports/attribution?model=last_touch&groupBy=campaign&{Range}");
        var funnelBefore = await _ops.GetStringAsync($"/reports/funnel?{Range}");

        var found = await (await _ops.PostAsJsonAsync("/ops/visitors/export", new { email = " donor@example.COM " })).Content.ReadFromJsonAsync<JsonElement>();
        var export = Assert.Single(found.GetProperty("visitors").EnumerateArray());
        Assert.Equal(visitor, export.GetProperty("visitorId").GetString());
        var session = Assert.Single(export.GetProperty("sessions").EnumerateArray());
        Assert.Equal(sid, session.GetProperty("sessionId").GetString());
        Assert.Equal(Ip, session.GetProperty("client").GetProperty("ip").GetString());
        Assert.Contains(session.GetProperty("events").EnumerateArray(), e => e.GetProperty("event").GetString() == "Purchase");
        Assert.NotEmpty(session.GetProperty("touches").EnumerateArray());
        var conversion = Assert.Single(export.GetProperty("conversions").EnumerateArray());
        Assert.Equal(25m, conversion.GetProperty("record").GetProperty("amount").GetDecimal());
        Assert.NotEmpty(export.GetProperty("pending").EnumerateArray());
        var emailHash = Assert.Single(export.GetProperty("emailHashes").EnumerateArray()).GetString()!;

        var erased = await _ops.PostAsJsonAsync("/ops/visitors/erase", new { email = Email });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var counts = await erased.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, counts.GetProperty("visitors").GetInt32());
        Assert.Equal(1, counts.GetProperty("sessions").GetInt32());
        Assert.Equal(1, counts.GetProperty("conversions").GetInt32());
        Assert.Equal(1, counts.GetProperty("emailHashes").GetInt32());
        Assert.True(counts.GetProperty("keysDeleted").GetInt64() >= 6);
        Assert.True(counts.GetProperty("pendingEntries").GetInt64() >= 2);
        Assert.Equal(1, counts.GetProperty("conversionsAnonymised").GetInt64());
        Assert.Equal("accepted", counts.GetProperty("postHog").GetString());
        Assert.Equal(0, counts.GetProperty("postHogPersonsKept").GetInt32());

        var deletion = JsonDocument.Parse(Assert.Single(_app.Calls(PersonsPath)).RequestMessage.Body!).RootElement;
        Assert.True(deletion.GetProperty("delete_events").GetBoolean());
        var ids = deletion.GetProperty("distinct_ids").EnumerateArray().Select(i => i.GetString()).ToList();
        Assert.Contains(visitor, ids);
        Assert.Contains("ph-distinct-123", ids);
        Assert.Equal(ids.Count, counts.GetProperty("postHogPersonsAsked").GetInt32());

        var everything = await EverythingAsync(_app.Db, _app.Database);
        foreach (var (what, value) in new[] { ("visitor id", visitor), ("session id", sid), ("IP", Ip), ("user agent", "PrivacyTestAgent"), ("e-mail hash", emailHash), ("e-mail", "example.com"), ("PostHog id", "ph-distinct-123"), ("utm_term", Term) })
        {
            Assert.False(everything.Contains(value, StringComparison.OrdinalIgnoreCase), $"the {what} is still in Redis after erasure");
        }
        Assert.Contains(KeyFamily.Prefix(Keys.ErasureAudit("", 0)), everything, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _ops.GetAsync($"/ops/visitors/{visitor}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _ops.PostAsJsonAsync("/ops/visitors/export", new { email = Email })).StatusCode);
        // The anonymised conversion's path keeps where the visit came from, never what was typed into the link.
        var paths = Keys.ConversionPaths(Partitions.TagOf(sid), Aggregates.Day(_app.Clock.GetUtcNow()));
        var path = Assert.Single(await _app.Db.HashGetAllAsync(paths)).Value.ToString();
        Assert.Contains("facebook", path, StringComparison.Ordinal);
        Assert.DoesNotContain(Content, path, StringComparison.Ordinal);
        Assert.Equal(reportBefore, await _ops.GetStringAsync($"/reports/attribution?model=last_touch&groupBy=campaign&{Range}"));
        Assert.Equal(funnelBefore, await _ops.GetStringAsync($"/reports/funnel?{Range}"));

        // Nothing of the erased visitor is sent afterwards.
        await _app.RunRoundsAsync();
        Assert.Empty(_app.MetaEventsDelivered());
        Assert.Empty(_app.PostHogEventsDelivered());
    }

    [Fact]
    public async Task Requests_are_checked_and_need_the_ops_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().DeleteAsync("/ops/visitors/some-visitor-id")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/ops/visitors/some-visitor-id")).StatusCode);
        var noEmail = await _ops.DeleteAsync("/ops/visitors");
        Assert.Equal(HttpStatusCode.BadRequest, noEmail.StatusCode);
        Assert.Contains("email", (await noEmail.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var badId = await _ops.GetAsync("/ops/visitors/" + Uri.EscapeDataString("a*b"));
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _ops.GetAsync("/ops/visitors/never-seen-visitor")).StatusCode);
        var nobody = await _ops.DeleteAsync("/ops/visitors/never-seen-visitor");
        Assert.Equal(HttpStatusCode.OK, nobody.StatusCode);
        Assert.Equal(0, (await nobody.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keysDeleted").GetInt64());
    }
}
