using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.EndToEnd;

/// <summary>
/// The exact JSON Meta and PostHog receive for the journey's server events: Meta <c>Lead</c> with <c>em</c>, Meta Purchase
/// with <c>custom_data.campaign</c>, PostHog <c>Donation Completed</c> with <c>payment_method</c>, <c>checkout_type</c>
/// and <c>campaign</c>, and <c>user_data.ct</c>. Whole event objects are compared (a field added, renamed or lost
/// fails), so the single-field tests in SignupTests, PaymentMethodTests, CityTests and CampaignSelectionTests cannot
/// miss a payload that is otherwise wrong.
/// </summary>
public sealed class JourneyPayloadTests : IDisposable
{
    // The visitor reaches the service through a trusted proxy, so the CDN's country and city headers are believed
    // and the forwarded address is the visitor's public one.
    private const string Proxy = "10.0.0.1";
    private const string VisitorIp = "81.2.69.160";
    private const string Landing = "https://film.example/watch?utm_source=facebook&utm_medium=social&utm_campaign=winter&utm_content=trailer_30s&fbclid=IwAR1234";

    // Known SHA-256 values, computed independently (echo -n us | sha256sum; echo -n losangeles | sha256sum;
    // echo -n fan@example.com | sha256sum), so a change of normalisation fails here.
    private const string Sha256Us = "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621";
    private const string Sha256LosAngeles = "8760663bb25fa79f35c2c14fb9c6bcbe444a8c938491cd24fe684a7056c9dbc4";
    private const string Sha256Fan = "90fb42525afe02cbd2224ed6b3ae00fa178bb556ea86996415a257667bd87b60";

    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe(new() { ["Tracking:TrustedProxies:0"] = Proxy });

    public JourneyPayloadTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private HttpClient Visitor()
    {
        var client = _app.Browser(country: "US").FromPeer(Proxy);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", VisitorIp);
        client.DefaultRequestHeaders.Add("CF-IPCity", "Los Angeles");
        return client;
    }

    [Fact]
    public async Task Meta_lead_carries_em_and_ct_and_posthog_email_signup_its_step_under_the_visitors_own_id()
    {
        var client = Visitor();
        var landedAt = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var created = await client.NewSessionAsync(Landing);
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        var signedUpAt = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        using var signup = new HttpRequestMessage(HttpMethod.Post, "/signup") { Content = JsonContent.Create(new { sessionId = sid, email = " Fan@Example.COM", consent = true }) };
        signup.Headers.Referrer = new Uri("https://film.example/newsletter");
        var response = await client.SendAsync(signup);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var eventId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("eventId").GetString()!;
        await _app.RunRoundsAsync();

        // The id is derived from the session and the address's hash (one Lead per pair) and reveals neither.
        Assert.Matches("^lead_[0-9a-f]{32}$", eventId);
        Assert.DoesNotContain(Sha256Fan[..16], eventId, StringComparison.Ordinal);
        var lead = Assert.Single(_app.MetaEventsDelivered());
        Assert.Equal(Json($$"""
            {"event_name":"Lead","event_time":{{signedUpAt / 1000}},"event_id":"{{eventId}}","action_source":"website",
             "event_source_url":"https://film.example/newsletter",
             "user_data":{"client_ip_address":"{{VisitorIp}}","client_user_agent":"{{ApiCalls.IphoneSafari}}",
               "fbc":"fb.1.{{landedAt}}.IwAR1234","external_id":["{{Sha256(visitor.ToLowerInvariant())}}"],"country":["{{Sha256Us}}"],
               "em":["{{Sha256Fan}}"],"ct":["{{Sha256LosAngeles}}"]} }
            """), Json(lead));

        var posthog = _app.PostHogEventsDelivered();
        var emailSignup = Assert.Single(posthog, e => e.GetProperty("event").GetString() == "Email Signup");
        Assert.Equal(Json($$"""
            {"event":"Email Signup","distinct_id":"{{visitor}}","timestamp":"{{Iso(signedUpAt)}}",
             "properties":{"step":"email_capture","tracking_event":"Lead","tracking_session_id":"{{sid}}",
               "$current_url":"https://film.example/newsletter","$host":"film.example","$pathname":"/newsletter",
               "$referrer":"$direct","$referring_domain":"$direct","$browser":"Safari","$device_type":"Mobile","$os":"iOS",
               "$ip":"{{VisitorIp}}","$lib":"tracking-service",
               "$set_once":{"$initial_utm_source":"facebook","$initial_utm_medium":"social","$initial_utm_campaign":"winter",
                 "$initial_utm_content":"trailer_30s","first_touch_source":"facebook","first_touch_timestamp":"{{landedAt}}"},
               "$set":{"last_touch_source":"facebook","last_touch_medium":"social","last_touch_campaign":"winter",
                 "last_touch_content":"trailer_30s","last_touch_timestamp":"{{landedAt}}","session_count":"1"} } }
            """), Json(WithoutUuid(WithoutVisit(emailSignup, signedUpAt))));
        // uuid is PostHog's deduplication key: stable per event, so only its form is asserted.
        Assert.True(Guid.TryParse(emailSignup.GetProperty("uuid").GetString(), out _));
        // A typed address identifies nobody: PostHog's merges are permanent, and anyone can type anyone's address.
        Assert.DoesNotContain(posthog, e => e.GetProperty("event").GetString() == "$identify");
    }

    [Fact]
    public async Task Meta_purchase_carries_the_selected_campaign_and_posthog_donation_completed_the_method_type_and_campaign()
    {
        _app.Stub.Given(Request.Create().WithPath("/v1/payment_intents/pi_1").UsingGet().WithParam("expand[0]", "payment_method"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"id":"pi_1","object":"payment_intent","amount":2500,"currency":"usd","status":"succeeded","payment_method":{"id":"pm_1","object":"payment_method","type":"sepa_debit"}}"""));
        var client = Visitor();
        var landedAt = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var created = await client.NewSessionAsync(Landing);
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "CampaignSelected", properties = new { campaign = "festival-tour" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, url = "https://film.example/donate", referrer = "https://film.example/watch" })).StatusCode);
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        var paidAt = _app.Clock.GetUtcNow();

        // Stripe sends back the metadata the service gave the Checkout Session, whatever it was.
        var paid = StripeSigner.CheckoutEvent("evt_1", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", paidAt,
                "Donor@Example.com", visitor, extraMetadata: MetadataSentToStripe())
            .Replace("\"mode\":\"payment\",", "\"mode\":\"payment\",\"payment_intent\":\"pi_1\",\"customer\":\"cus_1\",", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(paid)).StatusCode);
        await _app.RunRoundsAsync();

        var purchase = Assert.Single(_app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() == "Purchase");
        Assert.Equal(Json($$"""
            {"event_name":"Purchase","event_time":{{paidAt.ToUnixTimeSeconds()}},"event_id":"cs_test_a1","action_source":"website",
             "event_source_url":"https://film.example/donate","referrer_url":"https://film.example/watch",
             "user_data":{"client_ip_address":"{{VisitorIp}}","client_user_agent":"{{ApiCalls.IphoneSafari}}",
               "fbc":"fb.1.{{landedAt}}.IwAR1234","external_id":["{{Sha256(visitor.ToLowerInvariant())}}"],"country":["{{Sha256Us}}"],
               "em":["{{Sha256("donor@example.com")}}"],"ct":["{{Sha256LosAngeles}}"]},
             "custom_data":{"value":25,"currency":"USD","campaign":"festival-tour"} }
            """), Json(purchase));

        var donation = Assert.Single(_app.PostHogEventsDelivered(), e => e.GetProperty("event").GetString() == "Donation Completed");
        Assert.Equal(Json($$"""
            {"event":"Donation Completed","distinct_id":"{{visitor}}","timestamp":"{{Iso(paidAt.ToUnixTimeSeconds() * 1000)}}",
             "properties":{"campaign":"festival-tour","payment_method":"sepa_debit","checkout_type":"customer",
               "tracking_event":"Purchase","tracking_session_id":"{{sid}}",
               "$current_url":"https://film.example/donate","$host":"film.example","$pathname":"/donate",
               "$referrer":"https://film.example/watch","$referring_domain":"film.example",
               "$browser":"Safari","$device_type":"Mobile","$os":"iOS","$ip":"{{VisitorIp}}",
               "value":25,"currency":"USD","$lib":"tracking-service",
               "$set_once":{"$initial_utm_source":"facebook","$initial_utm_medium":"social","$initial_utm_campaign":"winter",
                 "$initial_utm_content":"trailer_30s","first_touch_source":"facebook","first_touch_timestamp":"{{landedAt}}"},
               "$set":{"last_touch_source":"facebook","last_touch_medium":"social","last_touch_campaign":"winter",
                 "last_touch_content":"trailer_30s","last_touch_timestamp":"{{landedAt}}","session_count":"1"} } }
            """), Json(WithoutUuid(WithoutVisit(donation, landedAt))));
        Assert.True(Guid.TryParse(donation.GetProperty("uuid").GetString(), out _));
    }

    /// <summary>The metadata of the Checkout Session the service created, as extra webhook metadata (the fields StripeSigner writes itself left out).</summary>
    private string MetadataSentToStripe()
    {
        var form = System.Web.HttpUtility.ParseQueryString(Assert.Single(_app.Calls(DeliveryApp.CheckoutPath)).RequestMessage.Body!);
        var own = new[] { "session_id", "visitor_id", "tracking_mark" };
        return string.Concat(form.AllKeys
            .Where(k => k is not null && k.StartsWith("metadata[", StringComparison.Ordinal))
            .Select(k => (Name: k![9..^1], Value: form[k]!))
            .Where(m => !own.Contains(m.Name))
            .Select(m => $",{JsonSerializer.Serialize(m.Name)}:{JsonSerializer.Serialize(m.Value)}"));
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The event without its properties' <c>$session_id</c>, which must be a UUIDv7 stamped with the visit's start
    /// (<paramref name="visitStart"/>, ms); its random part is the service's own and is not asserted.
    /// </summary>
    private static JsonElement WithoutVisit(JsonElement e, long visitStart)
    {
        var node = JsonNode.Parse(e.GetRawText())!.AsObject();
        var properties = node["properties"]!.AsObject();
        var visit = properties["$session_id"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", visit);
        Assert.Equal(visitStart.ToString("x12", CultureInfo.InvariantCulture), visit.Replace("-", "", StringComparison.Ordinal)[..12]);
        properties.Remove("$session_id");
        return JsonDocument.Parse(node.ToJsonString()).RootElement;
    }

    private static JsonElement WithoutUuid(JsonElement e)
    {
        var node = JsonNode.Parse(e.GetRawText())!.AsObject();
        Assert.True(node.Remove("uuid"), "uuid present");
        return JsonDocument.Parse(node.ToJsonString()).RootElement;
    }

    /// <summary>Canonical text of a JSON value: object members sorted by name at every depth (destinations ignore their order), so a diff shows the field.</summary>
    private static string Json(string json) => Canonical(JsonNode.Parse(json))!.ToJsonString();

    private static string Json(JsonElement e) => Json(e.GetRawText());

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonical).ToArray()),
        _ => node?.DeepClone(),
    };
}
