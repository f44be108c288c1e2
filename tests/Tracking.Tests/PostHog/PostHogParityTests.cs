using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.PostHog;

/// <summary>
/// What PostHog receives where posthog-js and posthog-node would send something else on the same inputs: a PageView
/// posted on its own carries the landing's campaign and referrer, and every server-sent event says where the visitor is.
/// </summary>
public sealed class PostHogParityTests
{
    private static DeliveryApp App(bool stripe = false)
    {
        var app = stripe ? DeliveryApp.CreateWithStripe() : DeliveryApp.Create();
        app.StubMetaOk();
        app.StubPostHogOk();
        return app;
    }

    private static JsonElement Properties(DeliveryApp app, string eventName) =>
        app.PostHogEventsDelivered().Single(e => e.GetProperty("event").GetString() == eventName).GetProperty("properties");

    [Fact]
    public async Task A_pageview_posted_on_its_own_carries_its_utm_parameters_and_the_landings_referrer_not_direct()
    {
        await using var app = App();
        var client = app.Browser();
        const string landing = "https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_30s&utm_term=film&fbclid=IwAR1";
        // The seed's flow: createSession() in the site's middleware, then trackPageView() from the page, without a referrer.
        var sid = (await client.NewSessionAsync(url: landing, extra: new { referrer = "https://l.facebook.com/l.php?u=film" })).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted,
            (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-alone","url":"{{landing}}"}""")).StatusCode);
        await app.RunRoundsAsync();

        var props = Properties(app, "$pageview");
        Assert.Equal("https://l.facebook.com/l.php?u=film", props.GetProperty("$referrer").GetString());
        Assert.Equal("l.facebook.com", props.GetProperty("$referring_domain").GetString());
        Assert.Equal(
            ["utm_campaign=winter", "utm_content=trailer_30s", "utm_medium=paid", "utm_source=facebook", "utm_term=film"],
            props.EnumerateObject().Where(p => p.Name.StartsWith("utm_", StringComparison.Ordinal)).Select(p => $"{p.Name}={p.Value.GetString()}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_later_page_without_a_referrer_stays_direct_and_its_own_utm_parameters_win_over_nothing()
    {
        await using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(url: "https://film.example/watch", extra: new { referrer = "https://www.google.com/" })).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-later","url":"https://film.example/about?utm_source=newsletter"}""");
        await app.RunRoundsAsync();

        var props = Properties(app, "$pageview");
        Assert.Equal("$direct", props.GetProperty("$referrer").GetString());
        Assert.Equal("newsletter", props.GetProperty("utm_source").GetString());
        Assert.False(props.TryGetProperty("utm_medium", out _));
    }

    [Theory]
    [InlineData("81.2.69.160", "81.2.69.160")]
    [InlineData("10.1.2.3", null)]
    public async Task The_servers_identify_carries_the_visitors_address_or_switches_geolocation_off(string peer, string? ip)
    {
        await using var app = App(stripe: true);
        var client = app.Browser().FromPeer(peer);
        var created = await client.NewSessionAsync(extra: new { posthogDistinctId = "0190a1b2-ph-anon" });
        var sid = created.GetProperty("sessionId").GetString()!;
        var paid = StripeSigner.CheckoutEvent("evt_geo", "checkout.session.completed", "cs_geo", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), "donor@example.com", created.GetProperty("visitorId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
        await app.RunRoundsAsync();

        var identify = Properties(app, "$identify");
        if (ip is null)
        {
            Assert.True(identify.GetProperty("$geoip_disable").GetBoolean());
            Assert.False(identify.TryGetProperty("$ip", out _));
        }
        else
        {
            Assert.Equal(ip, identify.GetProperty("$ip").GetString());
            Assert.False(identify.TryGetProperty("$geoip_disable", out _));
        }
    }
}
