namespace Tracking.Donations;

/// <summary>What the Stripe webhook decided for one delivery (the body's <c>outcome</c> and the webhook metric's tag).</summary>
internal enum StripeOutcome
{
    /// <summary>A paid checkout converted its live session.</summary>
    Converted,
    /// <summary>A paid checkout whose session had expired: recorded as a conversion, attributed to no session.</summary>
    ConvertedUnattributed,
    /// <summary>Another event already converted this Checkout Session.</summary>
    AlreadyConverted,
    /// <summary>This Stripe event was recorded before (a redelivery).</summary>
    DuplicateEvent,
    RecordedFailed,
    RecordedExpired,
    /// <summary>Completed but not yet paid (bank debits): the later async_payment_succeeded converts.</summary>
    AwaitingPayment,
    /// <summary>A refund of a donation's charge is recorded (refunded = the charge's cumulative amount_refunded).</summary>
    RecordedRefund,
    /// <summary>A dispute of a donation's payment is recorded (open or lost: refunded; won: restored).</summary>
    RecordedDispute,
    /// <summary>A Checkout Session this service did not create (its mark does not verify): acknowledged, nothing changes.</summary>
    NotOurs,
    /// <summary>An event type the service does not record.</summary>
    Ignored,
    /// <summary>A recurring donation's renewal, recorded as a donation of its first payment's session.</summary>
    Renewed,
    /// <summary>A subscription's first invoice: its payment is the Checkout Session's, already or soon counted.</summary>
    FirstInvoice,
    /// <summary>A recurring donation ended.</summary>
    Cancelled,
    /// <summary>A renewal or cancellation before its first payment was recorded: refused (409) so Stripe delivers it again.</summary>
    NotYetLinked,
    /// <summary>A refund of a charge of ours whose donation is not recorded yet: refused (409) so Stripe delivers it again after the donation.</summary>
    NotYetRecorded,
    /// <summary>
    /// A monthly donation's payment recorded while Stripe did not say which PaymentIntent paid it: refused (503) so
    /// Stripe delivers it again and the payment is linked, or a later refund of it would find nothing.
    /// </summary>
    PaymentUnknown,
    // Refused before the event is read: never a 200, counted only.
    Unreadable,
    MissingSignature,
    InvalidSignature,
}

internal static class StripeOutcomes
{
    /// <summary>The outcome's name on the wire, in the response and in metrics.</summary>
    public static string Name(this StripeOutcome outcome) => outcome switch
    {
        StripeOutcome.Converted => "converted",
        StripeOutcome.ConvertedUnattributed => "converted-unattributed",
        StripeOutcome.AlreadyConverted => "already-converted",
        StripeOutcome.DuplicateEvent => "duplicate-event",
        StripeOutcome.RecordedFailed => "recorded-failed",
        StripeOutcome.RecordedExpired => "recorded-expired",
        StripeOutcome.AwaitingPayment => "awaiting-payment",
        StripeOutcome.RecordedRefund => "recorded-refund",
        StripeOutcome.RecordedDispute => "recorded-dispute",
        StripeOutcome.NotOurs => "not-ours",
        StripeOutcome.Ignored => "ignored",
        StripeOutcome.Renewed => "renewed",
        StripeOutcome.FirstInvoice => "first-invoice",
        StripeOutcome.Cancelled => "cancelled",
        StripeOutcome.NotYetLinked => "not-yet-linked",
        StripeOutcome.NotYetRecorded => "not-yet-recorded",
        StripeOutcome.PaymentUnknown => "payment-unknown",
        StripeOutcome.Unreadable => "unreadable",
        StripeOutcome.MissingSignature => "missing-signature",
        StripeOutcome.InvalidSignature => "invalid-signature",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };
}
