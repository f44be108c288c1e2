using System.Security.Cryptography;
using System.Text;

namespace Tracking.Tests.Infrastructure;

/// <summary>Signs webhook payloads exactly as Stripe does: <c>t={unix},v1=hex(HMAC-SHA256(secret, "{t}.{payload}"))</c>.</summary>
public static class StripeSigner
{
    public const string Secret = "whsec_test_secret_0123456789";

    public static string Sign(string payload, DateTimeOffset at, string secret = Secret)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public static string CheckoutEvent(string eventId, string type, string checkoutId, string? sessionId, string paymentStatus, long amountTotal, string currency,
        DateTimeOffset created, string? email = null, string? visitorId = null)
    {
        var client = sessionId is null ? "null" : $"\"{sessionId}\"";
        var metadata = sessionId is null ? "{}" : $$"""{"session_id":"{{sessionId}}","visitor_id":"{{visitorId}}"}""";
        var details = email is null ? "null" : $$"""{"email":"{{email}}"}""";
        return $$"""
            {"id":"{{eventId}}","object":"event","api_version":"{{Stripe.StripeConfiguration.ApiVersion}}","created":{{created.ToUnixTimeSeconds()}},
             "type":"{{type}}","livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},
             "data":{"object":{"id":"{{checkoutId}}","object":"checkout.session","mode":"payment","status":"complete",
               "payment_status":"{{paymentStatus}}","amount_total":{{amountTotal}},"currency":"{{currency}}",
               "client_reference_id":{{client}},"metadata":{{metadata}},"customer_details":{{details}}
             } } }
            """;
    }
}
