using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Meta;

/// <summary>
/// What Meta receives where its own libraries (capi-param-builder, facebook-nodejs-business-sdk) and the pixel would
/// send something else on the same inputs: the landing's referrer, a newer click, external_id's case, refused
/// addresses, and event_source_url.
/// </summary>
public sealed class MetaParityTests
{
    private static DeliveryApp App(bool stripe = false)
    {
        var app = stripe ? DeliveryApp.CreateWithStripe() : DeliveryApp.Create();
        app.StubMetaOk();
        app.StubPostHogOk();
        return app;
    }

    private static JsonElement Sent(DeliveryApp app, string eventName) =>
        app.MetaEventsDelivered().Single(e => e.GetProperty("event_name").GetString() == eventName);

    private static string Sha256(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    private static async Task PaidAsync(DeliveryApp app, HttpClient client, JsonElement created, string checkoutId, string? email)
    {
        var sid = created.GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        var paid = StripeSigner.CheckoutEvent("evt_" + checkoutId, "checkout.session.completed", checkoutId, sid, "paid", 2500, "usd",
            app.Clock.GetUtcNow(), email, created.GetProperty("visitorId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
    }

    [Fact]
    public async Task A_pageview_posted_on_its_own_on_the_landing_page_carries_the_landings_referrer()
    {
        await using var app = App();
        var client = app.Browser();
        const string landing = "https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter";
        // The seed's flow: the site's middleware opens the session, then the page posts its PageView without a referrer.
        var sid = (await client.NewSessionAsync(url: landing, extra: new { referrer = "https://l.facebook.com/l.php?u=film" })).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-land","url":"{{landing}}"}""");
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-next","url":"https://film.example/about"}""");
        await app.RunRoundsAsync();

        var events = app.MetaEventsDelivered();
        Assert.Equal("https://l.facebook.com/l.php?u=film", events.Single(e => e.GetProperty("event_id").GetString() == "pv-land").GetProperty("referrer_url").GetString());
        // Another page's referrer is not the landing's.
        Assert.False(events.Single(e => e.GetProperty("event_id").GetString() == "pv-next").TryGetProperty("referrer_url", out _));
    }

    [Fact]
    public async Task A_new_click_in_the_url_wins_over_an_older_fbc_cookie_up_to_the_purchase()
    {
        await using var app = App(stripe: true);
        var client = app.Browser();
        var landedAt = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        const string oldCookie = "fb.1.1600000000000.IwAROldClick";
        var created = await client.NewSessionAsync(url: "https://film.example/watch?fbclid=IwARNewClick", extra: new { fbc = oldCookie });
        await PaidAsync(app, client, created, "cs_new_click", null);
        await app.RunRoundsAsync();

        // As capi-param-builder does: a new fbc carrying the new click and the time it landed.
        var expected = $"fb.1.{landedAt}.IwARNewClick";
        Assert.Equal(expected, System.Web.HttpUtility.ParseQueryString(app.Calls(DeliveryApp.CheckoutPath).Last().RequestMessage.Body!)["metadata[fbc]"]);
        Assert.Equal(expected, Sent(app, "Purchase").GetProperty("user_data").GetProperty("fbc").GetString());
    }

    [Fact]
    public async Task The_cookie_of_the_same_click_keeps_its_own_time_and_appendix()
    {
        await using var app = App();
        var client = app.Browser();
        const string cookie = "fb.1.1600000000000.IwARSameClick.AQYBAQIA";
        var sid = (await client.NewSessionAsync(url: "https://film.example/watch?fbclid=IwARSameClick", extra: new { fbc = cookie })).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-same"}""");
        await app.RunRoundsAsync();

        Assert.Equal(cookie, Sent(app, "PageView").GetProperty("user_data").GetProperty("fbc").GetString());
    }

    [Fact]
    public async Task External_id_is_the_lower_cased_visitor_id_hashed_as_the_pixel_hashes_it()
    {
        await using var app = App();
        var client = app.Browser();
        // Server-issued visitor ids are base64url, so mixed case: the pixel lower-cases before hashing, and so must we.
        var session = await client.NewSessionAsync();
        var (sid, visitor) = (session.GetProperty("sessionId").GetString()!, session.GetProperty("visitorId").GetString()!);
        Assert.NotEqual(visitor, visitor.ToLowerInvariant());
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-ext"}""");
        await app.RunRoundsAsync();

        Assert.Equal(Sha256(visitor.ToLowerInvariant()), Assert.Single(Sent(app, "PageView").GetProperty("user_data").GetProperty("external_id").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task A_signup_address_metas_libraries_refuse_sends_no_em_and_the_lead_still_goes()
    {
        await using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        // An internationalised address: /signup takes it, Meta's libraries send no em for it.
        var response = await client.PostAsJsonAsync("/signup", new { sessionId = sid, email = "Jöhn@Exämple.com" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.RunRoundsAsync();

        var user = Sent(app, "Lead").GetProperty("user_data");
        Assert.False(user.TryGetProperty("em", out _), user.GetRawText());
        Assert.True(user.TryGetProperty("external_id", out _));
    }

    [Theory]
    [InlineData("donor@example.com.", false)]
    [InlineData("Jöhn@Exämple.com", false)]
    [InlineData(" Donor+Film@Example.COM ", true)]
    [InlineData("o'brien@mail.example.co.uk", true)]
    public async Task A_purchase_carries_em_only_for_an_address_metas_libraries_take(string email, bool sent)
    {
        await using var app = App(stripe: true);
        var client = app.Browser();
        var created = await client.NewSessionAsync();
        await PaidAsync(app, client, created, "cs_em", email);
        await app.RunRoundsAsync();

        var user = Sent(app, "Purchase").GetProperty("user_data");
        Assert.Equal(sent, user.TryGetProperty("em", out var em));
        if (sent)
        {
            Assert.Equal(Sha256(email.Trim().ToLowerInvariant()), Assert.Single(em.EnumerateArray()).GetString());
        }
    }

    [Fact]
    public async Task A_checkout_that_named_no_page_carries_the_sessions_latest_page_as_event_source_url()
    {
        await using var app = App(stripe: true);
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(url: "https://film.example/watch")).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-donate","url":"https://film.example/donate?tier=2"}""");
        // Neither a Referer header nor a url in the body.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        await app.RunRoundsAsync();

        Assert.Equal("https://film.example/donate?tier=2", Sent(app, "InitiateCheckout").GetProperty("event_source_url").GetString());
    }

    [Fact]
    public async Task An_event_without_a_page_before_any_pageview_carries_the_landing_url()
    {
        await using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(url: "https://film.example/watch?utm_source=google")).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", """{"sessionId":"SID","event":"ViewContent","eventId":"vc-1","properties":{"content":"trailer"}}""".Replace("SID", sid, StringComparison.Ordinal));
        await app.RunRoundsAsync();

        Assert.Equal("https://film.example/watch?utm_source=google", Sent(app, "ViewContent").GetProperty("event_source_url").GetString());
    }
}
