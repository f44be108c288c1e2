using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Support;

/// <summary>
/// Stripe's side of a recurring donation as the tests play it, in the pinned API version's shapes: the completed
/// subscription-mode Checkout Session, its invoices (<c>invoice.paid</c>, the subscription under
/// <c>parent.subscription_details</c>) and the subscription's end. Metadata is what the service gave Stripe.
/// </summary>
public static class StripeSubscriptions
{
    public const string SubscriptionId = "sub_test_1";

    /// <summary>The metadata of the last Checkout Session the service created, under <paramref name="prefix"/> (<c>metadata</c> or <c>subscription_data[metadata]</c>).</summary>
    public static JsonObject SentMetadata(DeliveryApp app, string prefix)
    {
        var form = System.Web.HttpUtility.ParseQueryString(app.Calls(DeliveryApp.CheckoutPath).Last().RequestMessage.Body!);
        var metadata = new JsonObject();
        foreach (var key in form.AllKeys.Where(k => k!.StartsWith(prefix + "[", StringComparison.Ordinal)))
        {
            metadata[key![(prefix.Length + 1)..^1]] = form[key];
        }
        return metadata;
    }

    /// <summary>checkout.session.completed of the subscription-mode Checkout Session the service created, paid.</summary>
    public static string Completed(DeliveryApp app, string eventId, string sid, long amount = 2500, string subscription = SubscriptionId)
    {
        var payload = JsonNode.Parse(StripeSigner.CheckoutEvent(eventId, "checkout.session.completed", "cs_test_a1", sid, "paid", amount, "usd", app.Clock.GetUtcNow(), "donor@example.com"))!;
        var session = payload["data"]!["object"]!;
        session["mode"] = "subscription";
        session["subscription"] = subscription;
        session["customer"] = "cus_test_1";
        session["invoice"] = "in_first";
        StubInvoicePayments(app, "in_first"); // the first payment's PaymentIntent, asked of Stripe for refunds to find it
        session["metadata"] = SentMetadata(app, "metadata");
        return payload.ToJsonString();
    }

    /// <param name="metadata">The subscription's metadata (null: what the service sent as subscription_data.metadata).</param>
    public static string InvoicePaid(
        DeliveryApp app, string eventId, string invoiceId, string billingReason, long amount = 2500, string subscription = SubscriptionId, JsonObject? metadata = null)
    {
        var now = app.Clock.GetUtcNow().ToUnixTimeSeconds();
        var invoice = new JsonObject
        {
            ["id"] = invoiceId, ["object"] = "invoice", ["account_country"] = "US", ["amount_due"] = amount, ["amount_paid"] = amount, ["amount_remaining"] = 0,
            ["attempt_count"] = 1, ["attempted"] = true, ["billing_reason"] = billingReason, ["collection_method"] = "charge_automatically",
            ["created"] = now - 3600, ["currency"] = "usd", ["customer"] = "cus_test_1", ["customer_email"] = "donor@example.com", ["livemode"] = false,
            ["metadata"] = new JsonObject(),
            ["parent"] = new JsonObject
            {
                ["type"] = "subscription_details", ["quote_details"] = null,
                ["subscription_details"] = new JsonObject { ["metadata"] = metadata?.DeepClone() ?? SentMetadata(app, "subscription_data[metadata]"), ["subscription"] = subscription },
            },
            ["period_start"] = now - (30 * 86400), ["period_end"] = now, ["status"] = "paid",
            ["status_transitions"] = new JsonObject { ["finalized_at"] = now - 3600, ["marked_uncollectible_at"] = null, ["paid_at"] = now - 60, ["voided_at"] = null },
            ["subtotal"] = amount, ["total"] = amount,
        };
        return Event(eventId, "invoice.paid", invoice, now);
    }

    /// <summary>customer.subscription.deleted of the subscription the service's checkout created.</summary>
    public static string Deleted(DeliveryApp app, string eventId, string status = "canceled", string subscription = SubscriptionId, JsonObject? metadata = null)
    {
        var now = app.Clock.GetUtcNow().ToUnixTimeSeconds();
        var sub = new JsonObject
        {
            ["id"] = subscription, ["object"] = "subscription", ["status"] = status, ["canceled_at"] = now, ["ended_at"] = now, ["currency"] = "usd",
            ["customer"] = "cus_test_1", ["livemode"] = false, ["metadata"] = metadata?.DeepClone() ?? SentMetadata(app, "subscription_data[metadata]"), ["start_date"] = now - (90 * 86400),
        };
        return Event(eventId, "customer.subscription.deleted", sub, now);
    }

    /// <summary>Stripe's list of an invoice's payments: the PaymentIntent <c>pi_{invoice id}</c> paid it.</summary>
    public static void StubInvoicePayments(DeliveryApp app, string invoiceId) =>
        app.Stub.Given(Request.Create().WithPath("/v1/invoice_payments").WithParam("invoice", invoiceId).UsingGet()).AtPriority(50)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$$"""
                {"object":"list","url":"/v1/invoice_payments","has_more":false,"data":[{"id":"inpay_{{{invoiceId}}}","object":"invoice_payment",
                 "amount_paid":2500,"amount_requested":2500,"currency":"usd","invoice":"{{{invoiceId}}}","is_default":true,"livemode":false,
                 "payment":{"type":"payment_intent","payment_intent":"pi_{{{invoiceId}}}"},"status":"paid",
                 "status_transitions":{"canceled_at":null,"paid_at":1700000000}}]}
                """));

    private static string Event(string eventId, string type, JsonObject data, long created) => new JsonObject
    {
        ["id"] = eventId, ["object"] = "event", ["api_version"] = Stripe.StripeConfiguration.ApiVersion, ["created"] = created, ["type"] = type,
        ["livemode"] = false, ["pending_webhooks"] = 1, ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new JsonObject { ["object"] = data },
    }.ToJsonString();
}
