using Stripe;
using Stripe.Checkout;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>What a verified Stripe event asks of us.</summary>
internal enum StripeAction
{
    Ignore,
    NotOurs,
    AwaitPayment,
    Convert,
    Fail,
    Expire,
}

/// <summary>A verified Stripe event, described without I/O (so it can be fuzzed and tested alone).</summary>
/// <param name="SessionId">The tracking session the Checkout Session names (only when <see cref="Records"/>).</param>
internal sealed record DescribedStripeEvent(StripeAction Action, Session? Checkout = null, string? SessionId = null, Amount Amount = default)
{
    /// <summary>True when the event changes a session: a conversion, or a failed/expired checkout.</summary>
    public bool Records => Action is StripeAction.Convert or StripeAction.Fail or StripeAction.Expire;

    /// <summary>The kind record_stripe.lua records (ledger and the session's donation_status).</summary>
    public string ScriptKind => Action switch
    {
        StripeAction.Convert => "convert",
        StripeAction.Fail => "failed",
        StripeAction.Expire => "expired",
        _ => throw new InvalidOperationException($"{Action} records nothing"),
    };

    /// <summary>The answer to an event that records nothing.</summary>
    public StripeOutcome Acknowledged => Action switch
    {
        StripeAction.NotOurs => StripeOutcome.NotOurs,
        StripeAction.AwaitPayment => StripeOutcome.AwaitingPayment,
        _ => StripeOutcome.Ignored,
    };
}

internal static class StripeWebhookEvents
{
    /// <param name="mark">Tells our Checkout Sessions from the account's others (Payment Links, other integrations):
    /// only a Checkout Session whose <c>tracking_mark</c> verifies for the session it names is ours; any other is
    /// <see cref="StripeAction.NotOurs"/> (acknowledged, nothing recorded or sent).</param>
    public static DescribedStripeEvent Describe(Event stripeEvent, CheckoutMark mark)
    {
        StripeAction? action = stripeEvent.Type switch
        {
            // Completed is a conversion only once paid (checked below).
            EventTypes.CheckoutSessionCompleted => StripeAction.AwaitPayment,
            EventTypes.CheckoutSessionAsyncPaymentSucceeded => StripeAction.Convert,
            EventTypes.CheckoutSessionAsyncPaymentFailed => StripeAction.Fail,
            EventTypes.CheckoutSessionExpired => StripeAction.Expire,
            _ => null,
        };
        if (action is not { } kind || stripeEvent.Data?.Object is not Session checkout)
        {
            return new DescribedStripeEvent(StripeAction.Ignore);
        }
        // Our Checkout Sessions carry our session id both as client_reference_id and in metadata, plus its mark;
        // a buyer can set client_reference_id (Payment Links) but never metadata.
        var sid = checkout.Metadata?.GetValueOrDefault(CheckoutMetadata.SessionId);
        if (!Ids.IsSessionId(sid) || checkout.ClientReferenceId != sid || !mark.Verifies(sid, checkout.Metadata?.GetValueOrDefault(CheckoutMetadata.Mark))
            || string.IsNullOrEmpty(checkout.Id) || !Ids.IsSafe(checkout.Id, 255))
        {
            return new DescribedStripeEvent(StripeAction.NotOurs, checkout);
        }
        if (kind == StripeAction.AwaitPayment)
        {
            // Delayed methods (bank debits) complete unpaid and succeed later in async_payment_succeeded.
            if (checkout.PaymentStatus is not ("paid" or "no_payment_required"))
            {
                return new DescribedStripeEvent(StripeAction.AwaitPayment, checkout);
            }
            kind = StripeAction.Convert;
        }
        var currency = (checkout.Currency ?? "").ToLowerInvariant();
        if (!Money.IsCurrency(currency) || checkout.AmountTotal is not (>= 0 and < 100_000_000_000))
        {
            return new DescribedStripeEvent(StripeAction.NotOurs, checkout);
        }
        return new DescribedStripeEvent(kind, checkout, sid, Amount.FromMinor(checkout.AmountTotal.Value, currency));
    }
}
