using Tracking.Edge;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Infrastructure;

namespace Tracking.Donations;

/// <summary>Stripe's webhook: the signed event goes to <see cref="ReceiveStripeEvent"/>; its outcome is the answer.</summary>
internal static class StripeWebhookApi
{
    public static IEndpointRouteBuilder MapStripeWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/stripe/webhook", Receive)
            .WithTags("Donations")
            .WithName("StripeWebhook")
            .WithSummary("Stripe event delivery: marks sessions converted and queues Purchase with its value.")
            .WithDescription("""
                `checkout.session.completed` (paid) or `checkout.session.async_payment_succeeded` converts the session once
                (idempotent by Stripe event id and by Checkout Session) and queues Purchase with its value; `async_payment_failed`
                and `expired` are recorded on the session; `charge.refunded`, `charge.dispute.created` and `charge.dispute.closed`
                take money back from the donation their PaymentIntent paid (once per Stripe event id, in any order; see
                docs/donations.md); other types are acknowledged and ignored. Answered once the effects are durable in Redis.
                `outcome`: converted, converted-unattributed, already-converted, duplicate-event, recorded-failed, recorded-expired,
                recorded-refund, recorded-dispute, awaiting-payment, renewed, first-invoice, cancelled, not-ours or ignored. Only Checkout Sessions this service created are recorded
                (metadata `tracking_mark` verifies for the session they name); any other (a Payment Link whose buyer set
                `client_reference_id`, another integration) is acknowledged with 200 `not-ours` and changes nothing.
                Recurring donations: `invoice.paid` with billing_reason `subscription_cycle` records a renewal as a donation of the
                first payment's session (`renewed`; the first invoice, `subscription_create`, is `first-invoice`: its payment is the
                Checkout Session's); `customer.subscription.deleted` ends it (`cancelled`). Only subscriptions whose metadata carries
                the mark are recorded; others are `not-ours`.
                400: the signature is missing or wrong, or the payload is not a Stripe event. 409 `subscription`: a renewal or
                cancellation whose first payment is not recorded yet (Stripe delivers it again). 409 `payment_intent`: a refund
                of a charge of ours (its metadata carries the mark, copied from the PaymentIntent) whose donation is not recorded yet
                but may still come (the event is under three days old, the donor not erased): Stripe delivers both again and the
                refund then counts once. 503 `payment_intent`: a monthly
                donation's payment recorded while Stripe did not say which PaymentIntent paid it (Stripe delivers it again, and the
                redelivery links the payment so its refunds are found).
                """)
            .WithRequiredHeader("Stripe-Signature", "Stripe's signature of the raw body.")
            .WithJsonBody<System.Text.Json.JsonElement>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(RateLimiting.Webhook).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    internal static async Task<Results<Ok<WebhookReceived>, ProblemHttpResult>> Receive(HttpContext http, ReceiveStripeEvent webhook, TrackingMetrics metrics)
    {
        // Signature verification needs the raw body, so it is read as text (same limits as every JSON body).
        var (payload, unreadable) = await JsonBody.ReadTextAsync(http.Request);
        if (unreadable is not null)
        {
            metrics.Webhook(StripeOutcome.Unreadable.Name());
            return unreadable;
        }
        var outcome = await webhook.RunAsync(payload!, http.Request.Headers["Stripe-Signature"].ToString(), http.RequestAborted);
        metrics.Webhook(outcome.Name());
        return outcome switch
        {
            StripeOutcome.MissingSignature => Problems.Status(StatusCodes.Status400BadRequest, "Missing signature", "A Stripe-Signature header is required.", "Stripe-Signature"),
            StripeOutcome.InvalidSignature => Problems.Status(StatusCodes.Status400BadRequest, "Invalid signature", "The Stripe-Signature does not match this payload, secret and time.", "Stripe-Signature"),
            StripeOutcome.Unreadable => Problems.Status(StatusCodes.Status400BadRequest, "Unreadable event", "The signed payload is not a Stripe event.", "body"),
            StripeOutcome.NotYetLinked => Problems.Status(StatusCodes.Status409Conflict, "Subscription not yet linked",
                "The first payment of this subscription (checkout.session.completed) is not recorded yet; Stripe delivers this event again.", "subscription"),
            StripeOutcome.NotYetRecorded => Problems.Status(StatusCodes.Status409Conflict, "Donation not yet recorded",
                "This charge is ours, but its donation (checkout.session.completed) is not recorded yet; Stripe delivers this event again.", "payment_intent"),
            StripeOutcome.PaymentUnknown => Problems.Status(StatusCodes.Status503ServiceUnavailable, "Payment not known yet",
                "The donation is recorded, but Stripe did not say which payment paid it; Stripe delivers this event again.", "payment_intent"),
            _ => TypedResults.Ok(new WebhookReceived(true, outcome.Name())),
        };
    }
}
