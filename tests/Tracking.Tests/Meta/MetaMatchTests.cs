using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracking.Tests.Support;

namespace Tracking.Tests.Meta;

/// <summary>What Meta receives for match quality: referrer, IP, cookies as Meta's parameter builder writes them, custom video events, Donate.</summary>
public sealed class MetaMatchTests
{
    private const string Proxy = "10.0.0.1";
    private const string Ipv6 = "2a03:2880:f12f:83:face:b00c:0:25de";

    private static DeliveryApp App(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Tracking:TrustedProxies:0"] = Proxy };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        var app = DeliveryApp.Create(settings);
        app.StubMetaOk();
        app.StubPostHogOk();
        return app;
    }

    private static async Task<string> SessionAsync(HttpClient client, object? extra = null, string url = "https://film.example/watch") =>
        (await client.NewSessionAsync(url: url, extra: extra)).GetProperty("sessionId").GetString()!;

    private static JsonElement UserData(DeliveryApp app, string eventId) =>
        app.MetaEventsDelivered().Single(e => e.GetProperty("event_id").GetString() == eventId).GetProperty("user_data");

    [Fact]
    public async Task An_ipv6_visitor_with_parameter_builder_cookies_and_a_referrer_reaches_meta_exactly()
    {
        await using var app = App();
        var client = app.Browser(country: null).FromPeer(Ipv6);
        const string fbp = "fb.1.1700000000000.1234567890.AQYBAQIA";
        const string fbc = "fb.1.1700000000123.IwAR2F4-dbP0l7Mn1IawQQ_GCINEz7PYX.AQYBAQIA";
        var sid = await SessionAsync(client, new { fbp, fbc });

        var response = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-1","url":"https://film.example/watch","referrer":"https://l.facebook.com/l.php?u=x"}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.RunRoundsAsync();

        var sent = app.MetaEventsDelivered().Single();
        var node = JsonNode.Parse(sent.GetRawText())!.AsObject();
        node.Remove("event_time");
        node["user_data"]!.AsObject().Remove("external_id");
        var expected = $$"""
            {"event_name":"PageView","event_id":"pv-1","action_source":"website","event_source_url":"https://film.example/watch",
             "referrer_url":"https://l.facebook.com/l.php?u=x",
             "user_data":{"client_ip_address":"{{Ipv6}}","client_user_agent":"{{ApiCalls.IphoneSafari}}","fbp":"{{fbp}}","fbc":"{{fbc}}"} }
            """;
        Assert.Equal(Normalize(expected), node.ToJsonString());
    }

    [Fact]
    public async Task A_signup_reaches_meta_as_a_lead_with_the_page_it_was_made_on_and_its_referrer_exactly()
    {
        await using var app = App();
        var client = app.Browser(country: null).FromPeer("81.2.69.160");
        const string fbp = "fb.1.1700000000000.1234567890";
        var created = await client.NewSessionAsync(url: "https://film.example/watch", extra: new { fbp });
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);

        var signedUpAt = app.Clock.GetUtcNow().ToUnixTimeSeconds();
        var response = await client.PostJsonAsync("/signup", $$"""{"sessionId":"{{sid}}","email":" Fan@Example.com","url":"https://film.example/newsletter?x=1","referrer":"https://film.example/watch"}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("eventId").GetString();
        await app.RunRoundsAsync();

        var lead = app.MetaEventsDelivered().Single(e => e.GetProperty("event_name").GetString() == "Lead");
        var expected = $$"""
            {"event_name":"Lead","event_time":{{signedUpAt}},"event_id":"{{eventId}}","action_source":"website",
             "event_source_url":"https://film.example/newsletter?x=1","referrer_url":"https://film.example/watch",
             "user_data":{"client_ip_address":"81.2.69.160","client_user_agent":"{{ApiCalls.IphoneSafari}}","fbp":"{{fbp}}",
                          "external_id":["{{Sha256(visitor.ToLowerInvariant())}}"],"em":["{{Sha256("fan@example.com")}}"]} }
            """;
        Assert.Equal(Normalize(expected), lead.GetRawText());
    }

    private static string Sha256(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    [Theory]
    [InlineData("fb.1.1700000000123.IwAR abc")]
    [InlineData("fb.1.17000.IwAR")]
    [InlineData("IwAR2F4-dbP0l7Mn1IawQQ")]
    [InlineData("fb.1.1700000000123.IwAR.x.y")]
    [InlineData("fb.7.1700000000123.IwAR")]
    public async Task A_malformed_fbc_or_fbp_is_left_out_and_the_event_still_goes(string bad)
    {
        await using var app = App();
        var client = app.Browser();
        var sid = await SessionAsync(client, new { fbp = bad, fbc = bad });

        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-bad"}""");
        await app.RunRoundsAsync();

        var user = UserData(app, "pv-bad");
        Assert.False(user.TryGetProperty("fbc", out _), user.GetRawText());
        Assert.False(user.TryGetProperty("fbp", out _), user.GetRawText());
    }

    [Fact]
    public async Task A_malformed_fbc_cookie_gives_way_to_the_one_built_from_the_click_id()
    {
        await using var app = App();
        var client = app.Browser();
        var landedAt = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var sid = await SessionAsync(client, new { fbc = "fb.1.garbage" }, url: "https://film.example/watch?fbclid=IwAR9xYz");

        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-f"}""");
        await app.RunRoundsAsync();

        Assert.Equal($"fb.1.{landedAt}.IwAR9xYz", UserData(app, "pv-f").GetProperty("fbc").GetString());
    }

    [Theory]
    [InlineData("192.168.1.20", null)]
    [InlineData("127.0.0.1", null)]
    [InlineData("fd00::1", null)]
    [InlineData("fe80::1", null)]
    [InlineData("::1", null)]
    [InlineData("81.2.69.160", "81.2.69.160")]
    [InlineData("::ffff:81.2.69.160", "81.2.69.160")]
    public async Task Private_and_loopback_addresses_never_reach_meta(string peer, string? expected)
    {
        await using var app = App();
        var client = app.Browser().FromPeer(peer);
        var sid = await SessionAsync(client);

        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-ip"}""");
        await app.RunRoundsAsync();

        var user = UserData(app, "pv-ip");
        Assert.Equal(expected, user.TryGetProperty("client_ip_address", out var ip) ? ip.GetString() : null);
    }

    [Theory]
    [InlineData("81.2.69.160:5555", "81.2.69.160")]
    [InlineData("[2a03:2880:f12f:83:face:b00c:0:25de]:443", Ipv6)]
    public async Task A_forwarded_address_loses_its_port_and_keeps_its_family(string forwarded, string expected)
    {
        await using var app = App();
        var client = app.Browser().FromPeer(Proxy);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwarded);
        var sid = await SessionAsync(client);

        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"pv-xff"}""");
        await app.RunRoundsAsync();

        Assert.Equal(expected, UserData(app, "pv-xff").GetProperty("client_ip_address").GetString());
    }

    [Fact]
    public async Task Video_progress_reaches_meta_as_a_custom_event_with_its_percent_only_when_listed()
    {
        await using var app = App(new() { ["Meta:CustomEvents:0"] = "VideoProgress" });
        var client = app.Browser();
        var sid = await SessionAsync(client);

        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"VideoProgress","eventId":"vp-50","url":"https://film.example/watch","properties":{"content":"trailer_30s","percent":50}}""");
        await app.RunRoundsAsync();

        var sent = app.MetaEventsDelivered().Single(e => e.GetProperty("event_id").GetString() == "vp-50");
        Assert.Equal("VideoProgress", sent.GetProperty("event_name").GetString());
        Assert.Equal(Normalize("""{"content_ids":["trailer_30s"],"content_name":"trailer_30s","percent":50}"""), JsonSerializer.Serialize(sent.GetProperty("custom_data")));
    }

    [Fact]
    public async Task Video_complete_reaches_meta_with_percent_100_when_listed()
    {
        await using var app = App(new() { ["Meta:CustomEvents:0"] = "VideoComplete" });
        var client = app.Browser();
        var sid = await SessionAsync(client);

        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","event":"VideoComplete","eventId":"vc-1","url":"https://film.example/watch","properties":{"content":"trailer_30s"}}""");
        await app.RunRoundsAsync();

        var sent = app.MetaEventsDelivered().Single(e => e.GetProperty("event_id").GetString() == "vc-1");
        Assert.Equal("VideoComplete", sent.GetProperty("event_name").GetString());
        Assert.Equal(Normalize("""{"content_ids":["trailer_30s"],"content_name":"trailer_30s","percent":100}"""), JsonSerializer.Serialize(sent.GetProperty("custom_data")));
    }

    [Fact]
    public async Task Video_progress_stays_off_meta_by_default()
    {
        await using var app = App();
        var client = app.Browser();
        var sid = await SessionAsync(client);

        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","eventId":"pv-d"},{"event":"VideoProgress","eventId":"vp-d","properties":{"content":"t","percent":25} }]}""");
        await app.RunRoundsAsync();

        Assert.Equal(["pv-d"], app.MetaEventsDelivered().Select(e => e.GetProperty("event_id").GetString()));
    }

    [Fact]
    public async Task A_bad_donation_event_name_stops_the_service_naming_the_key()
    {
        await using var app = App(new() { ["Meta:DonationEventName"] = "Donation" });
        app.ExpectErrors("Microsoft.Extensions.Hosting", "the host refuses to start with a bad Meta:DonationEventName");
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("Meta:DonationEventName", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Donate_names_the_purchase_on_meta_and_in_the_pixel_and_the_purchase_carries_the_donation_page()
    {
        await using var app = DeliveryApp.CreateWithStripe(new() { ["Meta:DonationEventName"] = "Donate" });
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        var created = await client.NewSessionAsync();
        var sid = created.GetProperty("sessionId").GetString()!;
        var visitor = created.GetProperty("visitorId").GetString()!;

        var checkout = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, url = "https://film.example/donate?from=trailer", referrer = "https://film.example/watch" });
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(app.Calls(DeliveryApp.CheckoutPath).Single().RequestMessage.Body!);
        Assert.Equal("https://film.example/donate?from=trailer", form["metadata[page_url]"]);
        Assert.Equal("https://film.example/watch", form["metadata[page_referrer]"]);

        var paid = StripeSigner.CheckoutEvent("evt_d", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), "donor@example.com", visitor,
            extraMetadata: ""","page_url":"https://film.example/donate?from=trailer","page_referrer":"https://film.example/watch" """);
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
        await app.RunRoundsAsync();

        var initiate = app.MetaEventsDelivered().Single(e => e.GetProperty("event_name").GetString() == "InitiateCheckout");
        Assert.Equal("https://film.example/donate?from=trailer", initiate.GetProperty("event_source_url").GetString());
        Assert.Equal("https://film.example/watch", initiate.GetProperty("referrer_url").GetString());
        var donate = app.MetaEventsDelivered().Single(e => e.GetProperty("event_id").GetString() == "cs_test_a1");
        Assert.Equal("Donate", donate.GetProperty("event_name").GetString());
        Assert.Equal("https://film.example/donate?from=trailer", donate.GetProperty("event_source_url").GetString());
        Assert.Equal("https://film.example/watch", donate.GetProperty("referrer_url").GetString());
        Assert.DoesNotContain(app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() == "Purchase");

        var script = await app.CreateClient().GetStringAsync("/tracker.js");
        Assert.Contains("var DONATION_EVENT = 'Donate';", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_snippet_names_purchase_by_default()
    {
        await using var app = App();
        var script = await app.CreateClient().GetStringAsync("/tracker.js");
        Assert.Contains("var DONATION_EVENT = 'Purchase';", script, StringComparison.Ordinal);
    }

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
