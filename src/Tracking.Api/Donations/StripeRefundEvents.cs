using Stripe;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>
/// A refund or dispute event, described without I/O: the fact, the payment it names, the currency it is in, and for a
/// charge, the session and mark its metadata claims (copied by Stripe from the PaymentIntent we created).
/// </summary>
internal sealed record DescribedRefund(RefundFact Fact, string? PaymentIntentId, string? ChargeId, string Currency, PaymentClaim? Claim = null);

/// <summary>What a charge's metadata says about whose payment it is: checked against <see cref="CheckoutMark"/> before it means anything.</summary>
internal sealed record PaymentClaim(string SessionId, string Mark);

/// <summary>The Stripe events that take money back from a payment: <c>charge.refunded</c>, <c>charge.dispute.created</c> and <c>.closed</c>.</summary>
internal static class StripeRefundEvents
{
    public static bool Handles(string? type) =>
        type is EventTypes.ChargeRefunded or EventTypes.ChargeDisputeCreated or EventTypes.ChargeDisputeClosed;

    /// <summary>The event's fact, or null when it is not one we can read (no payment named, a bad amount or currency).</summary>
    public static DescribedRefund? Describe(Event stripeEvent) => stripeEvent.Data?.Object switch
    {
        // amount_refunded is the charge's total so far, whatever refunds made it.
        Charge charge when stripeEvent.Type == EventTypes.ChargeRefunded && Safe(charge.Id) && charge.AmountRefunded >= 0 =>
            Described(new RefundFact(RefundCause.Refund, charge.Id, charge.AmountRefunded), charge.PaymentIntentId, charge.Id, charge.Currency, Claim(charge)),
        Dispute dispute when stripeEvent.Type != EventTypes.ChargeRefunded && Safe(dispute.Id) && dispute.Amount >= 0 && Safe(dispute.Status) =>
            Described(new RefundFact(RefundCause.Dispute, dispute.Id, dispute.Amount, dispute.Status), dispute.PaymentIntentId, dispute.ChargeId, dispute.Currency),
        _ => null,
    };

    private static DescribedRefund? Described(RefundFact fact, string? paymentIntent, string? charge, string? currency, PaymentClaim? claim = null)
    {
        var code = (currency ?? "").ToLowerInvariant();
        return Money.IsCurrency(code) && fact.Minor < 100_000_000_000 && (Safe(paymentIntent) || Safe(charge))
            ? new DescribedRefund(fact, paymentIntent, charge, code, claim)
            : null;
    }

    private static PaymentClaim? Claim(Charge charge) =>
        charge.Metadata is { } m && m.GetValueOrDefault(CheckoutMetadata.SessionId) is { } sid && Ids.IsSessionId(sid)
        && m.GetValueOrDefault(CheckoutMetadata.Mark) is { } mark
            ? new PaymentClaim(sid, mark)
            : null;

    private static bool Safe(string? id) => Ids.IsSafe(id, 255);
}
