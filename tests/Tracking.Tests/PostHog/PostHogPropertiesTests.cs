using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.PostHog;

/// <summary>What PostHog receives: the visitor's place, device and page, one person across posthog-js and the server, and replays marked historical.</summary>
public sealed class PostHogPropertiesTests
{
    private static DeliveryApp App(bool stripe = false)
    {
        var app = stripe ? DeliveryApp.CreateWithStripe() : DeliveryApp.Create();
        app.StubMetaOk();
        app.StubPostHogOk();
        return app;
    }

    private static List<(JsonElement Request, JsonElement Event)> PostHogEvents(DeliveryApp app) => app.Calls(DeliveryApp.PostHogPath)
        .Select(c => JsonDocument.Parse(c.RequestMessage.Body!).RootElement)
        .SelectMany(r => r.GetProperty("batch").EnumerateArray().Select(e => (r, e)))
        .ToList();

    // $session_id is pinned by its own test below.
    /// <summary>A PageView with its own id and event time (ms), accepted.</summary>
    private static async Task PageViewAtAsync(HttpClient client, string sid, string id, long at) => Assert.Equal(HttpStatusCode.Accepted,
        (await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"PageView","eventId":"{{{id}}}","timestamp":{{{at}}}}""")).StatusCode);

    private static readonly string[] Generated = ["$set", "$set_once", "$lib", "tracking_session_id", "$session_id"];

    private static string Props(JsonElement e) => JsonSerializer.Serialize(
        e.GetProperty("properties").EnumerateObject().Where(p => !Generated.Contains(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal).ToDictionary(p => p.Name, p => p.Value));

    private static string Sorted(string json) => JsonSerializer.Serialize(
        JsonDocument.Parse(json).RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).ToDictionary(p => p.Name, p => p.Value));

    [Fact]
    public async Task A_pageview_carries_the_visitors_ip_device_browser_os_page_and_referrer()
    {
        await using var app = App();
        var client = app.Browser().FromPeer("81.2.69.160");
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"PageView","eventId":"pv-1","url":"https://film.example/watch?x=1","referrer":"https://www.google.com/search?q=film"}""");
        await app.RunRoundsAsync();

        var (request, pageview) = Assert.Single(PostHogEvents(app));
        Assert.False(request.GetProperty("historical_migration").GetBoolean());
        Assert.Equal(Sorted("""
            {"tracking_event":"PageView","$current_url":"https://film.example/watch?x=1","$host":"film.example","$pathname":"/watch",
             "$referrer":"https://www.google.com/search?q=film","$referring_domain":"www.google.com",
             "$browser":"Safari","$device_type":"Mobile","$os":"iOS","$ip":"81.2.69.160"}
            """), Props(pageview));
    }

    [Fact]
    public async Task Without_a_public_address_geolocation_is_switched_off_and_a_direct_visit_says_so()
    {
        await using var app = App();
        var client = app.Browser().FromPeer("10.1.2.3");
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"PageView","eventId":"pv-2"}""");
        await app.RunRoundsAsync();

        var props = Assert.Single(PostHogEvents(app)).Event.GetProperty("properties");
        Assert.False(props.TryGetProperty("$ip", out _));
        Assert.True(props.GetProperty("$geoip_disable").GetBoolean());
        Assert.Equal("$direct", props.GetProperty("$referrer").GetString());
        Assert.Equal("$direct", props.GetProperty("$referring_domain").GetString());
    }

    [Fact]
    public async Task An_event_sent_more_than_a_day_late_goes_as_historical_migration_with_its_own_timestamp()
    {
        await using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var at = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"PageView","eventId":"pv-old","timestamp":{{{at}}}}""");

        app.Clock.Advance(TimeSpan.FromDays(2));
        await app.RunRoundsAsync();

        var (request, e) = Assert.Single(PostHogEvents(app));
        Assert.True(request.GetProperty("historical_migration").GetBoolean());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(at), DateTimeOffset.Parse(e.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_purchase_with_an_email_identifies_the_posthog_js_person_by_merging_not_by_itself()
    {
        await using var app = App(stripe: true);
        var client = app.Browser();
        var created = await client.NewSessionAsync(extra: new { posthogDistinctId = "0190a1b2-ph-anon" });
        var sid = created.GetProperty("sessionId").GetString()!;
        var paid = StripeSigner.CheckoutEvent("evt_i", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), " Donor@Example.COM ", created.GetProperty("visitorId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
        await app.RunRoundsAsync();

        var events = PostHogEvents(app).Select(x => x.Event).ToList();
        var identify = Assert.Single(events, e => e.GetProperty("event").GetString() == "$identify");
        var emailHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("donor@example.com"u8.ToArray()));
        Assert.Equal("email:" + emailHash, identify.GetProperty("distinct_id").GetString());
        Assert.Equal("0190a1b2-ph-anon", identify.GetProperty("properties").GetProperty("$anon_distinct_id").GetString());
        var donation = Assert.Single(events, e => e.GetProperty("event").GetString() == "Donation Completed");
        Assert.Equal("0190a1b2-ph-anon", donation.GetProperty("distinct_id").GetString());
    }

    [Fact]
    public async Task A_session_stored_with_a_claimed_id_in_the_services_namespace_is_sent_as_its_visitor_and_never_as_that_person()
    {
        await using var app = App(stripe: true);
        var client = app.Browser();
        var created = await client.NewSessionAsync();
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        // POST /session now refuses such a claim (Sessions/ClaimedPersonIdTests); a session stored before it may hold one.
        var victim = "email:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("victim@example.com"u8.ToArray()));
        await app.Db.HashSetAsync(Tracking.Storage.Keys.Session(sid), Tracking.Storage.SessionField.PosthogDistinctId, victim);
        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"PageView","eventId":"pv-claimed"}""");
        var paid = StripeSigner.CheckoutEvent("evt_claimed", "checkout.session.completed", "cs_test_claimed", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), "donor@example.com", visitor);
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
        await app.RunRoundsAsync();

        var events = PostHogEvents(app).Select(x => x.Event).ToList();
        Assert.Equal(visitor, Assert.Single(events, e => e.GetProperty("event").GetString() == "$pageview").GetProperty("distinct_id").GetString());
        Assert.Equal(visitor, Assert.Single(events, e => e.GetProperty("event").GetString() == "Donation Completed").GetProperty("distinct_id").GetString());
        var identify = Assert.Single(events, e => e.GetProperty("event").GetString() == "$identify");
        Assert.Equal(visitor, identify.GetProperty("properties").GetProperty("$anon_distinct_id").GetString());
        Assert.DoesNotContain(events, e => e.GetRawText().Contains(victim, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_without_an_email_never_identify()
    {
        await using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(extra: new { posthogDistinctId = "ph-anon-2" })).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"PageView","eventId":"pv-3"}""");
        await app.RunRoundsAsync();

        var e = Assert.Single(PostHogEvents(app)).Event;
        Assert.Equal("ph-anon-2", e.GetProperty("distinct_id").GetString());
    }

    [Fact]
    public async Task Session_id_is_a_uuidv7_per_visit_stamped_with_its_first_event_and_renewed_after_30_idle_minutes()
    {
        await using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var t0 = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Task PostAt(string id, long at) => PageViewAtAsync(client, sid, id, at);

        await PostAt("a", t0);
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await PostAt("b", t0 + 20 * 60_000);
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        await PostAt("c", t0 + 51 * 60_000);
        await app.RunRoundsAsync();

        var byEvent = PostHogEvents(app).Select(x => x.Event).ToDictionary(e => e.GetProperty("timestamp").GetString()!, e => e.GetProperty("properties").GetProperty("$session_id").GetString()!);
        Assert.Equal(3, byEvent.Count);
        var sessions = byEvent.OrderBy(p => DateTimeOffset.Parse(p.Key, System.Globalization.CultureInfo.InvariantCulture)).Select(p => p.Value).ToList();
        Assert.Equal(sessions[0], sessions[1]);
        Assert.NotEqual(sessions[1], sessions[2]);
        foreach (var (id, first) in new[] { (sessions[0], t0), (sessions[2], t0 + 51 * 60_000) })
        {
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
            Assert.Equal(first, Convert.ToInt64(id.Replace("-", "", StringComparison.Ordinal)[..12], 16));
        }
    }

    [Fact]
    public async Task A_late_event_from_before_the_visit_gets_a_visit_of_its_own_and_does_not_split_the_live_one()
    {
        await using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var t0 = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Task PostAt(string id, long at) => PageViewAtAsync(client, sid, id, at);

        await PostAt("live-1", t0);
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        await PostAt("live-2", t0 + 20 * 60_000);
        // A beacon queued 10 minutes before the visit began arrives now; then the visitor goes on 5 minutes later
        // (25 minutes after the visit's last event but one: still the same visit).
        await PostAt("late", t0 - 10 * 60_000);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await PostAt("live-3", t0 + 25 * 60_000);
        await app.RunRoundsAsync();

        var visits = PostHogEvents(app).Select(x => x.Event).ToDictionary(
            e => DateTimeOffset.Parse(e.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            e => e.GetProperty("properties").GetProperty("$session_id").GetString()!);
        Assert.Equal(4, visits.Count);
        var live = Tracking.PostHog.PostHogMapper.VisitId(sid, t0);
        Assert.Equal([live, live, live], new[] { visits[t0], visits[t0 + 20 * 60_000], visits[t0 + 25 * 60_000] });
        // The late event's visit starts at its own time: a UUIDv7 never stamped after its visit's first event.
        Assert.Equal(t0 - 10 * 60_000, VisitStartOf(visits[t0 - 10 * 60_000]));
    }

    [Fact]
    public async Task Server_events_join_the_visit_the_visitor_is_in_and_a_server_event_after_30_idle_minutes_starts_one()
    {
        await using var app = App(stripe: true);
        var client = app.Browser();
        var created = await client.NewSessionAsync();
        var sid = created.GetProperty("sessionId").GetString()!;
        var t0 = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"PageView","eventId":"pv-v","timestamp":{{{t0}}}}""")).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/signup", $$$"""{"sessionId":"{{{sid}}}","email":"fan@example.com"}""")).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/checkout", $$$"""{"sessionId":"{{{sid}}}","amount":25}""")).StatusCode);
        // The payment completes after 40 minutes on Stripe's page without an event here: a visit of its own.
        app.Clock.Advance(TimeSpan.FromMinutes(40));
        var paidAt = app.Clock.GetUtcNow();
        var paid = StripeSigner.CheckoutEvent("evt_v", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", paidAt, null, created.GetProperty("visitorId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
        await app.RunRoundsAsync();

        var visits = PostHogEvents(app).Select(x => x.Event).Where(e => e.GetProperty("event").GetString() != "$identify").ToDictionary(
            e => e.GetProperty("event").GetString()!, e => e.GetProperty("properties").GetProperty("$session_id").GetString()!);
        var first = Tracking.PostHog.PostHogMapper.VisitId(sid, t0);
        Assert.Equal(new Dictionary<string, string>
        {
            ["$pageview"] = first,
            ["Email Signup"] = first,
            ["Checkout Started"] = first,
            // Stripe's time (whole seconds) is the Purchase's at PostHog, so the visit starts there, never after it.
            ["Donation Completed"] = Tracking.PostHog.PostHogMapper.VisitId(sid, paidAt.ToUnixTimeSeconds() * 1000),
        }, visits);
    }

    private static long VisitStartOf(string sessionId) => Convert.ToInt64(sessionId.Replace("-", "", StringComparison.Ordinal)[..12], 16);
}
