using System.Text.Json.Nodes;

namespace Tracking.Tests.Support;

/// <summary>
/// Stripe's events about money taken back, in Stripe's shapes at the pinned API version: <c>charge.refunded</c> (a
/// Charge, <c>amount_refunded</c> cumulative) and <c>charge.dispute.created</c>/<c>.closed</c> (a Dispute naming its
/// charge and PaymentIntent), plus a paid Checkout Session that names its PaymentIntent.
/// </summary>
public static class StripeRefundEvents
{
    /// <summary>A paid checkout.session.completed of our session (marked), paid by <paramref name="paymentIntent"/>.</summary>
    public static string Paid(string eventId, string checkoutId, string sessionId, string visitorId, string paymentIntent, long amount, DateTimeOffset at,
        string extraMetadata = "")
    {
        var payload = JsonNode.Parse(StripeSigner.CheckoutEvent(eventId, "checkout.session.completed", checkoutId, sessionId, "paid", amount, "usd", at,
            visitorId: visitorId, extraMetadata: extraMetadata))!;
        payload["data"]!["object"]!["payment_intent"] = paymentIntent;
        return payload.ToJsonString();
    }

    /// <param name="metadata">The charge's metadata as JSON: Stripe copies the PaymentIntent's onto the charge it makes.</param>
    public static string Refunded(string eventId, string charge, string paymentIntent, long amount, long amountRefunded, DateTimeOffset at,
        string metadata = "{}") => Event(eventId, "charge.refunded", at, $$"""
        {"id":"{{charge}}","object":"charge","amount":{{amount}},"amount_captured":{{amount}},"amount_refunded":{{amountRefunded}},"captured":true,
         "currency":"usd","disputed":false,"livemode":false,"metadata":{{metadata}},"paid":true,"payment_intent":"{{paymentIntent}}",
         "refunded":{{(amountRefunded >= amount ? "true" : "false")}},"status":"succeeded","created":{{at.ToUnixTimeSeconds() - 3600}}}
        """);

    /// <summary>The metadata the service puts on a donation's PaymentIntent (<c>payment_intent_data.metadata</c>), as JSON.</summary>
    public static string OurPaymentMetadata(string sessionId, string? mark = null) =>
        $$"""{"session_id":"{{sessionId}}","tracking_mark":"{{mark ?? StripeSigner.Mark(sessionId)}}"}""";

    /// <param name="type"><c>charge.dispute.created</c> or <c>charge.dispute.closed</c>.</param>
    /// <param name="status">needs_response, under_review, warning_needs_response, won, lost…</param>
    public static string Dispute(string eventId, string type, string dispute, string charge, string paymentIntent, long amount, string status, DateTimeOffset at) =>
        Event(eventId, type, at, $$"""
        {"id":"{{dispute}}","object":"dispute","amount":{{amount}},"balance_transactions":[],"charge":"{{charge}}","currency":"usd",
         "is_charge_refundable":false,"livemode":false,"metadata":{},"payment_intent":"{{paymentIntent}}","reason":"fraudulent",
         "status":"{{status}}","created":{{at.ToUnixTimeSeconds() - 60}}}
        """);

    private static string Event(string eventId, string type, DateTimeOffset at, string data) => $$"""
        {"id":"{{eventId}}","object":"event","api_version":"{{Stripe.StripeConfiguration.ApiVersion}}","created":{{at.ToUnixTimeSeconds()}},
         "type":"{{type}}","livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},
         "data":{"object":{{data}} } }
        """;
}
