using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;
using static Tracking.Tests.GoogleAds.GoogleAdsJourney;

namespace Tracking.Tests.GoogleAds;

/// <summary>What Google Ads receives for a donation and a signup, and with which token.</summary>
public sealed class GoogleAdsConversionTests
{
    private const string Gclid = "Cj0KCQiA_test-GCLID_BwE";

    [Fact]
    public async Task A_visitor_landing_with_a_gclid_who_donates_reaches_google_exactly_once_with_the_token_from_the_keys_token_uri()
    {
        using var rig = new GoogleAdsRig();
        rig.StubIngestOk();
        var app = rig.App;
        var sid = await LandAsync(app, $"https://film.example/watch?gclid={Gclid}&utm_source=youtube");

        var paidAt = StripeTime(app);
        await DonateAsync(app, sid, " Donor.Name+film@GMail.com ");
        await app.RunUntilAsync(() => rig.EventsDelivered().Count == 1, "the donation reached Google");

        var call = Assert.Single(rig.Ingests());
        var expected = $$$"""
            {"destinations":[{"operatingAccount":{"accountType":"GOOGLE_ADS","accountId":"{{{GoogleAdsRig.CustomerId}}}"},"productDestinationId":"{{{GoogleAdsRig.ConversionActionId}}}"}],
             "events":[{"eventTimestamp":"{{{paidAt}}}","transactionId":"cs_test_a1","adIdentifiers":{"gclid":"{{{Gclid}}}"},
                        "conversionValue":25,"currency":"USD","eventSource":"WEB",
                        "userData":{"userIdentifiers":[{"emailAddress":"{{{Sha256("donorname@gmail.com")}}}"}]},
                        "consent":{"adUserData":"CONSENT_GRANTED","adPersonalization":"CONSENT_GRANTED"}}],
             "encoding":"HEX"}
            """;
        Assert.Equal(Compact(expected), Body(call));
        Assert.Equal("Bearer ya29.token-1", call.RequestMessage.Headers!["Authorization"].Single());
        AssertSignedGrant(rig, Assert.Single(rig.TokenRequests()).RequestMessage.Body!);
    }

    [Theory]
    [InlineData("gbraid", "0AAAAAoTest_gBrAiD")]
    [InlineData("wbraid", "CkEKCQ_Test-wBrAiD")]
    public async Task An_ios_click_id_from_the_landing_is_sent_as_it_came_and_alone(string kind, string value)
    {
        using var rig = new GoogleAdsRig();
        rig.StubIngestOk();
        var sid = await LandAsync(rig.App, $"https://film.example/watch?{kind}={value}");

        await DonateAsync(rig.App, sid, email: null);
        await rig.App.RunUntilAsync(() => rig.EventsDelivered().Count == 1, "the donation reached Google");

        var sent = rig.EventsDelivered().Single();
        Assert.Equal($$"""{"{{kind}}":"{{value}}"}""", sent.GetProperty("adIdentifiers").GetRawText());
        Assert.False(sent.TryGetProperty("userData", out _));
        Assert.Equal(value, await rig.App.Db.HashGetAsync(Keys.Session(sid), kind));
    }

    [Fact]
    public async Task A_donation_whose_session_expired_still_carries_the_click_id_stripe_kept()
    {
        using var rig = new GoogleAdsRig();
        rig.StubIngestOk();
        var sid = await LandAsync(rig.App, $"https://film.example/watch?gclid={Gclid}");
        Assert.Equal(System.Net.HttpStatusCode.Created, (await rig.App.Browser().PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(rig.App.Calls(DeliveryApp.CheckoutPath).Single().RequestMessage.Body!);
        Assert.Equal(Gclid, form["metadata[gclid]"]);
        await rig.App.Db.KeyDeleteAsync(Keys.Session(sid));

        var payload = StripeMetadata.EchoingMetadata(rig.App, "evt_1", "checkout.session.completed", sid, "donor@example.com");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await rig.App.DeliverWebhookAsync(payload)).StatusCode);
        await rig.App.RunUntilAsync(() => rig.EventsDelivered().Count == 1, "the donation reached Google");

        Assert.Equal(Gclid, rig.EventsDelivered().Single().GetProperty("adIdentifiers").GetProperty("gclid").GetString());
    }

    [Fact]
    public async Task A_signup_reaches_google_as_a_lead_under_its_own_conversion_action_when_one_is_set()
    {
        using var rig = new GoogleAdsRig(new() { ["GoogleAds:LeadConversionActionId"] = GoogleAdsRig.LeadConversionActionId, ["GoogleAds:LoginCustomerId"] = "9998887776" });
        rig.StubIngestOk();
        var app = rig.App;
        var sid = await LandAsync(app, "https://film.example/watch?gbraid=0AAAAAoLead");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(app.Clock.GetUtcNow().ToUnixTimeMilliseconds()).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var response = await app.Browser().PostJsonAsync("/signup", $$"""{"sessionId":"{{sid}}","email":" John.Doe+Film@GoogleMail.com "}""");
        var eventId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("eventId").GetString();
        await app.RunUntilAsync(() => rig.EventsDelivered().Count == 1, "the signup reached Google");

        var expected = $$$"""
            {"destinations":[{"operatingAccount":{"accountType":"GOOGLE_ADS","accountId":"{{{GoogleAdsRig.CustomerId}}}"},
                              "loginAccount":{"accountType":"GOOGLE_ADS","accountId":"9998887776"},"productDestinationId":"{{{GoogleAdsRig.LeadConversionActionId}}}"}],
             "events":[{"eventTimestamp":"{{{at}}}","transactionId":"{{{eventId}}}","adIdentifiers":{"gbraid":"0AAAAAoLead"},"eventSource":"WEB",
                        "userData":{"userIdentifiers":[{"emailAddress":"{{{Sha256("johndoe@googlemail.com")}}}"}]},
                        "consent":{"adUserData":"CONSENT_GRANTED","adPersonalization":"CONSENT_GRANTED"}}],
             "encoding":"HEX"}
            """;
        Assert.Equal(Compact(expected), Body(Assert.Single(rig.Ingests())));
    }

    [Fact]
    public async Task The_token_is_fetched_again_before_it_expires()
    {
        using var rig = new GoogleAdsRig(tokenLifetimeSeconds: 3600);
        rig.StubIngestOk();
        var app = rig.App;
        await DonateAsync(app, await LandAsync(app, $"https://film.example/watch?gclid={Gclid}"), "a@example.com");
        await app.RunUntilAsync(() => rig.EventsDelivered().Count == 1, "the first donation reached Google");

        // 59 minutes on: one minute of validity left, less than Google's refresh window.
        app.Clock.Advance(TimeSpan.FromMinutes(59));
        await DonateAsync(app, await LandAsync(app, $"https://film.example/watch?gclid={Gclid}2"), "b@example.com", "cs_test_a2", "evt_2");
        await app.RunUntilAsync(() => rig.EventsDelivered().Count == 2, "the second donation reached Google");

        Assert.Equal(2, rig.TokenRequests().Count());
        Assert.Equal(["Bearer ya29.token-1", "Bearer ya29.token-2"], rig.Ingests().Select(c => c.RequestMessage.Headers!["Authorization"].Single()));
    }

    /// <summary>The JWT grant Google's token endpoint expects, signed with the key's private key, asking for the Data Manager scope.</summary>
    private static void AssertSignedGrant(GoogleAdsRig rig, string body)
    {
        var form = System.Web.HttpUtility.ParseQueryString(body);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", form["grant_type"]);
        var parts = form["assertion"]!.Split('.');
        Assert.True(rig.Key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var claims = JsonDocument.Parse(Base64Url(parts[1])).RootElement;
        Assert.Equal(GoogleAdsRig.ClientEmail, claims.GetProperty("iss").GetString());
        Assert.Equal("https://www.googleapis.com/auth/datamanager", claims.GetProperty("scope").GetString());
        // Google.Apis.Auth names Google's token endpoint as the audience wherever the key's token_uri sends the grant.
        Assert.Equal("https://oauth2.googleapis.com/token", claims.GetProperty("aud").GetString());
    }

    private static byte[] Base64Url(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);
}
