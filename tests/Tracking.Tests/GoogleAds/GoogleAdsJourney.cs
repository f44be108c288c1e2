using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracking.Tests.Support;

namespace Tracking.Tests.GoogleAds;

/// <summary>A visitor's way to a donation as the Google Ads tests play it: a landing, a checkout, Stripe's webhook.</summary>
public static class GoogleAdsJourney
{
    public static async Task<string> LandAsync(DeliveryApp app, string url, string marketing = "granted")
    {
        var created = await app.Browser().NewSessionAsync(url: url, extra: new { consent = new { analytics = "granted", marketing } });
        return created.GetProperty("sessionId").GetString()!;
    }

    /// <summary>Checks out and pays (Stripe's metadata echoes what the checkout wrote); <paramref name="email"/> null = the payer gave none.</summary>
    public static async Task DonateAsync(DeliveryApp app, string sid, string? email, string checkoutId = "cs_test_a1", string eventId = "evt_1")
    {
        var checkout = await app.Browser().PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        var payload = JsonNode.Parse(StripeMetadata.EchoingMetadata(app, eventId, "checkout.session.completed", sid, email ?? "unused@example.com"))!;
        payload["data"]!["object"]!["id"] = checkoutId;
        if (email is null)
        {
            payload["data"]!["object"]!["customer_details"] = null;
        }
        var response = await app.DeliverWebhookAsync(payload.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Stripe's event time as the Data Manager gets it (RFC 3339, whole seconds).</summary>
    public static string StripeTime(DeliveryApp app) =>
        DateTimeOffset.FromUnixTimeSeconds(app.Clock.GetUtcNow().ToUnixTimeSeconds()).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string Sha256(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    /// <summary>The JSON as System.Text.Json writes it compactly, to compare with what the stub received.</summary>
    public static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();

    public static string Body(WireMock.Logging.ILogEntry call) => JsonNode.Parse(call.RequestMessage.Body!)!.ToJsonString();

    public static async Task<JsonElement> DeliveriesAsync(DeliveryApp app, string state)
    {
        var response = await app.Ops().GetAsync($"/ops/deliveries?state={state}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}
