using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>
/// A typed address is anyone's: a session sends at most Tracking__MaxSignupsPerSession Leads (each still carrying
/// <c>em</c> to Meta) and none identifies a PostHog person; only the payer's address, verified by Stripe, does.
/// </summary>
public sealed class LeadCapTests
{
    private static string Sha256(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    [Fact]
    public async Task Five_addresses_in_one_session_send_two_leads_identify_nobody_and_are_all_stored_while_the_payer_is_identified()
    {
        await using var app = DeliveryApp.CreateWithStripe();
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        var created = await client.NewSessionAsync(extra: new { posthogDistinctId = "0190a1b2-ph-anon" });
        var sid = created.GetProperty("sessionId").GetString()!;
        string[] addresses = ["one@example.com", "two@example.com", "three@example.com", "four@example.com", "five@example.com"];

        foreach (var address in addresses)
        {
            var response = await client.PostAsJsonAsync("/signup", new { sessionId = sid, email = address });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        }
        var paid = StripeSigner.CheckoutEvent("evt_lead_cap", "checkout.session.completed", "cs_test_cap", sid, "paid", 2500, "usd",
            app.Clock.GetUtcNow(), " Donor@Example.COM ", created.GetProperty("visitorId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
        await app.RunRoundsAsync();

        // Every signup is on the session; only the first two reached anyone.
        var stored = (await app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => JsonDocument.Parse(v.ToString()).RootElement).ToList();
        Assert.Equal(5, stored.Count(e => e.GetProperty("event").GetString() == "Lead"));
        var leads = app.MetaEventsDelivered().Where(e => e.GetProperty("event_name").GetString() == "Lead").ToList();
        var ems = leads.Select(e => Assert.Single(e.GetProperty("user_data").GetProperty("em").EnumerateArray()).GetString());
        Assert.Equal(new[] { Sha256("one@example.com"), Sha256("two@example.com") }.Order(StringComparer.Ordinal), ems.Order(StringComparer.Ordinal));
        var posthog = app.PostHogEventsDelivered();
        Assert.Equal(2, posthog.Count(e => e.GetProperty("event").GetString() == "Email Signup"));
        Assert.All(posthog.Where(e => e.GetProperty("event").GetString() == "Email Signup"), e => Assert.Equal("0190a1b2-ph-anon", e.GetProperty("distinct_id").GetString()));
        Assert.Single(posthog, e => e.GetProperty("event").GetString() == "Donation Completed");
        var identify = Assert.Single(posthog, e => e.GetProperty("event").GetString() == "$identify");
        Assert.Equal("email:" + Sha256("donor@example.com"), identify.GetProperty("distinct_id").GetString());
        Assert.Equal("0190a1b2-ph-anon", identify.GetProperty("properties").GetProperty("$anon_distinct_id").GetString());
    }

    [Fact]
    public async Task A_retried_signup_never_spends_the_cap_and_the_cap_is_the_configured_one()
    {
        await using var app = DeliveryApp.Create(new() { ["Tracking:MaxSignupsPerSession"] = "1" });
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        async Task<bool> DuplicateAsync(string email)
        {
            var response = await client.PostAsJsonAsync("/signup", new { sessionId = sid, email });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean();
        }

        Assert.False(await DuplicateAsync("one@example.com"));
        Assert.True(await DuplicateAsync("ONE@example.com"));
        Assert.False(await DuplicateAsync("two@example.com"));
        Assert.True(await DuplicateAsync("two@example.com"));
        await app.RunRoundsAsync();

        var lead = Assert.Single(app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() == "Lead");
        Assert.Equal(Sha256("one@example.com"), Assert.Single(lead.GetProperty("user_data").GetProperty("em").EnumerateArray()).GetString());
        Assert.Single(app.PostHogEventsDelivered(), e => e.GetProperty("event").GetString() == "Email Signup");
        var stored = (await app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => JsonDocument.Parse(v.ToString()).RootElement);
        Assert.Equal(2, stored.Count(e => e.GetProperty("event").GetString() == "Lead"));
    }
}
