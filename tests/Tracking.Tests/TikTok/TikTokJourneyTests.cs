using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.TikTok;

/// <summary>A visitor from a TikTok ad: what TikTok receives for their ViewContent and donation, and what consent stops.</summary>
public sealed class TikTokJourneyTests
{
    private const string Ttclid = "E.C.P.CqgBLx9-Ab_Zz12";
    private const string Ttp = "2F7h37YkS1j57AYSKTI7IHhJPYH.tt.1";
    private const string Peer = "81.2.69.160";

    private static DeliveryApp App(TikTokStandIn tiktok)
    {
        var app = DeliveryApp.CreateWithStripe(tiktok.Settings(new() { ["Tracking:TrustedProxies:0"] = "10.0.0.1" }));
        app.StubMetaOk();
        app.StubPostHogOk();
        return app;
    }

    private static string Sha256(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    private static string Normalize(string json) => JsonNode.Parse(json)!.ToJsonString();

    [Fact]
    public async Task A_visitor_from_a_tiktok_ad_who_consents_and_donates_reaches_tiktok_as_one_purchase_and_their_view_with_the_pixels_id()
    {
        using var tiktok = new TikTokStandIn();
        tiktok.AnswerOk();
        using var app = App(tiktok);
        var client = app.Browser(country: null).FromPeer(Peer);
        var created = await client.NewSessionAsync(url: $"https://film.example/watch?ttclid={Ttclid}",
            extra: new { ttp = Ttp, consent = new { analytics = "granted", marketing = "granted" } });
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        Assert.Equal(Ttclid, (string?)await app.Db.HashGetAsync(Keys.Session(sid), SessionField.Ttclid));
        Assert.Equal("tiktok", (string?)await app.Db.HashGetAsync(Keys.Session(sid), SessionField.FirstTouchSource));

        var viewedAt = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var view = await client.PostJsonAsync("/events", $$"""
            {"sessionId":"{{sid}}","events":[{"event":"ViewContent","eventId":"vc-pixel-1","timestamp":{{viewedAt}},
              "url":"https://film.example/watch","referrer":"https://www.tiktok.com/","properties":{"content":"trailer"} }]}
            """);
        Assert.Equal(HttpStatusCode.Accepted, view.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, url = "https://film.example/donate" })).StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(app.Calls(DeliveryApp.CheckoutPath).Single().RequestMessage.Body!);
        Assert.Equal(Ttclid, form["metadata[ttclid]"]);
        Assert.Equal(Ttp, form["metadata[ttp]"]);
        var paidAt = app.Clock.GetUtcNow().ToUnixTimeSeconds();
        var webhook = StripeMetadata.EchoingMetadata(app, "evt_paid", "checkout.session.completed", sid, " Donor@Example.com");
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(webhook)).StatusCode);
        // Stripe delivers a webhook again when it is unsure it arrived: still one Purchase.
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(webhook)).StatusCode);
        await app.RunRoundsAsync(2);

        var user = $$"""
            "user":{"ttclid":"{{Ttclid}}","ttp":"{{Ttp}}","external_id":"{{Sha256(visitor.ToLowerInvariant())}}","ip":"{{Peer}}","user_agent":"{{ApiCalls.IphoneSafari}}"}
            """;
        var viewed = Assert.Single(tiktok.Delivered(), e => e.GetProperty("event").GetString() == "ViewContent");
        Assert.Equal(Normalize($$"""
            {"event":"ViewContent","event_time":{{viewedAt / 1000}},"event_id":"vc-pixel-1",{{user}},
             "page":{"url":"https://film.example/watch","referrer":"https://www.tiktok.com/"},
             "properties":{"contents":[{"content_id":"trailer","content_type":"product","content_name":"trailer"}],"content_type":"product"} }
            """), viewed.GetRawText());

        var purchase = Assert.Single(tiktok.Delivered(), e => e.GetProperty("event").GetString() == "Purchase");
        var withEmail = user.Replace("\"external_id\"", $"\"email\":\"{Sha256("donor@example.com")}\",\"external_id\"", StringComparison.Ordinal);
        Assert.Equal(Normalize($$"""
            {"event":"Purchase","event_time":{{paidAt}},"event_id":"cs_test_a1",{{withEmail}},
             "page":{"url":"https://film.example/donate"},"properties":{"value":25,"currency":"USD"} }
            """), purchase.GetRawText());
        Assert.Single(tiktok.Delivered(), e => e.GetProperty("event").GetString() == "InitiateCheckout");

        var request = tiktok.Requests().First();
        Assert.Equal("web", request.GetProperty("event_source").GetString());
        Assert.Equal(TikTokStandIn.PixelCode, request.GetProperty("event_source_id").GetString());
        Assert.False(request.TryGetProperty("test_event_code", out _));
        Assert.Equal(0, (await app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth);
    }

    [Fact]
    public async Task With_marketing_consent_denied_nothing_reaches_tiktok()
    {
        using var tiktok = new TikTokStandIn();
        using var app = App(tiktok);
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(url: $"https://film.example/watch?ttclid={Ttclid}",
            extra: new { ttp = Ttp, consent = new { analytics = "granted", marketing = "denied" } })).GetProperty("sessionId").GetString()!;

        (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"ViewContent","eventId":"vc-no","properties":{"content":"trailer"} }]}""")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(app.Calls(DeliveryApp.CheckoutPath).Single().RequestMessage.Body!);
        Assert.Null(form["metadata[ttclid]"]);
        Assert.Null(form["metadata[ttp]"]);
        await app.DeliverWebhookAsync(StripeMetadata.EchoingMetadata(app, "evt_paid", "checkout.session.completed", sid, "donor@example.com"));
        await app.RunRoundsAsync(2);

        // Barrier: the analytics side got the Purchase, so every entry was looked at.
        Assert.Contains(app.PostHogEventsDelivered(), e => e.GetProperty("properties").TryGetProperty("tracking_event", out var name) && name.GetString() == "Purchase");
        Assert.Empty(tiktok.Stub.LogEntries);
        Assert.Equal(0, (await app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth);
    }

    [Fact]
    public async Task A_payment_after_the_session_expired_still_carries_the_click_id_and_cookie_through_stripe()
    {
        using var tiktok = new TikTokStandIn();
        tiktok.AnswerOk();
        using var app = App(tiktok);
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(url: $"https://film.example/watch?ttclid={Ttclid}",
            extra: new { ttp = Ttp, consent = new { analytics = "granted", marketing = "granted" } })).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);

        // SEPA: Stripe says the payment succeeded days later, after the session expired.
        await SessionKeys.ExpireAsync(app.Db, sid);
        app.Clock.Advance(TimeSpan.FromDays(3));
        await app.DeliverWebhookAsync(StripeMetadata.EchoingMetadata(app, "evt_async", "checkout.session.async_payment_succeeded", sid, "donor@example.com"));
        await app.RunRoundsAsync(2);

        var user = Assert.Single(tiktok.Delivered(), e => e.GetProperty("event").GetString() == "Purchase").GetProperty("user");
        Assert.Equal(Ttclid, user.GetProperty("ttclid").GetString());
        Assert.Equal(Ttp, user.GetProperty("ttp").GetString());
        Assert.Equal(Sha256("donor@example.com"), user.GetProperty("email").GetString());
    }
}
