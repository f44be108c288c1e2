using System.Security.Cryptography;
using System.Text;

namespace Tracking.Tests.Support;

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

    /// <summary>Pass as <c>mark</c> for a Checkout Session without a tracking_mark (not created by the service).</summary>
    public const string NoMark = "";

    /// <summary>
    /// The service's checkout mark (Donations/CheckoutMark.cs), derived here independently so a change of the
    /// derivation (which would orphan checkouts still open) fails the tests: hex HMAC-SHA256(K, session id),
    /// K = HMAC-SHA256(webhook secret, "tracking-checkout-mark/v1").
    /// </summary>
    public static string Mark(string sessionId, string secret = Secret)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes("tracking-checkout-mark/v1"));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sessionId)));
    }

    /// <param name="mark">metadata.tracking_mark: null = the mark the service writes for <paramref name="sessionId"/>; <see cref="NoMark"/> = none.</param>
    public static string CheckoutEvent(string eventId, string type, string checkoutId, string? sessionId, string paymentStatus, long amountTotal, string currency,
        DateTimeOffset created, string? email = null, string? visitorId = null, string? mark = null, string extraMetadata = "")
    {
        var client = sessionId is null ? "null" : $"\"{sessionId}\"";
        mark ??= sessionId is null ? NoMark : Mark(sessionId);
        var markField = mark.Length == 0 ? "" : $",\"tracking_mark\":\"{mark}\"";
        var metadata = sessionId is null ? "{}" : $$"""{"session_id":"{{sessionId}}","visitor_id":"{{visitorId}}"{{markField}}{{extraMetadata}}}""";
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
