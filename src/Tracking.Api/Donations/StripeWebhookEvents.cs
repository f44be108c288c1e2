using System.Globalization;
using Stripe;
using Stripe.Checkout;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>What a verified Stripe event means for us, decided without I/O (so it can be fuzzed and tested alone).</summary>
internal sealed record StripeOutcome(string Kind, Session? Checkout = null, string? SessionId = null, string Amount = "0", string Currency = "")
{
    public const string Convert = "convert";
    public const string Ignored = "ignored";
    public const string AwaitingPayment = "awaiting-payment";
    public const string NotOurs = "not-ours";

    /// <summary>True when the event changes a session: a conversion, or a failed/expired checkout.</summary>
    public bool Records => Kind is Convert or "failed" or "expired";
}

internal static class StripeWebhookEvents
{
    /// <param name="mark">Tells our Checkout Sessions from the account's others (Payment Links, other integrations):
    /// only a Checkout Session whose <c>tracking_mark</c> verifies for the session it names is ours; any other is
    /// <see cref="StripeOutcome.NotOurs"/> (acknowledged, nothing recorded or sent).</param>
    public static StripeOutcome Describe(Event stripeEvent, CheckoutMark mark)
    {
        var kind = stripeEvent.Type switch
        {
            EventTypes.CheckoutSessionCompleted => "completed",
            EventTypes.CheckoutSessionAsyncPaymentSucceeded => StripeOutcome.Convert,
            EventTypes.CheckoutSessionAsyncPaymentFailed => "failed",
            EventTypes.CheckoutSessionExpired => "expired",
            _ => null,
        };
        if (kind is null || stripeEvent.Data?.Object is not Session checkout)
        {
            return new StripeOutcome(StripeOutcome.Ignored);
        }
        // Our Checkout Sessions carry our session id both as client_reference_id and in metadata, plus its mark;
        // a buyer can set client_reference_id (Payment Links) but never metadata.
        var sid = checkout.Metadata?.GetValueOrDefault(CheckoutMetadata.SessionId);
        if (!Ids.IsSessionId(sid) || checkout.ClientReferenceId != sid || !mark.Verifies(sid, checkout.Metadata?.GetValueOrDefault(CheckoutMetadata.Mark))
            || string.IsNullOrEmpty(checkout.Id) || !Ids.IsSafe(checkout.Id, 255))
        {
            return new StripeOutcome(StripeOutcome.NotOurs, checkout);
        }
        if (kind == "completed")
        {
            // Delayed methods (bank debits) complete unpaid and succeed later in async_payment_succeeded.
            if (checkout.PaymentStatus is not ("paid" or "no_payment_required"))
            {
                return new StripeOutcome(StripeOutcome.AwaitingPayment, checkout);
            }
            kind = StripeOutcome.Convert;
        }
        var currency = (checkout.Currency ?? "").ToLowerInvariant();
        if (!Money.IsCurrency(currency) || checkout.AmountTotal is not (>= 0 and < 100_000_000_000))
        {
            return new StripeOutcome(StripeOutcome.NotOurs, checkout);
        }
        var amount = Money.ToMajor(checkout.AmountTotal.Value, currency).ToString(CultureInfo.InvariantCulture);
        return new StripeOutcome(kind, checkout, sid, amount, currency);
    }
}
