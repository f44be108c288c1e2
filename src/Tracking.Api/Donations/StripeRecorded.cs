namespace Tracking.Donations;

/// <summary>What record_stripe.lua did with a verified Stripe event (Lua: <c>S.Name</c>).</summary>
internal enum StripeRecorded
{
    /// <summary>This Stripe event was applied before (a redelivery).</summary>
    DuplicateEvent,
    RecordedFailed,
    RecordedExpired,

    /// <summary>Another event already converted this Checkout Session.</summary>
    AlreadyConverted,
    Converted,

    /// <summary>Converted after its session expired: recorded and sent, without the session's journey.</summary>
    ConvertedUnattributed,
}

internal static class StripeRecordedNames
{
    /// <summary>The webhook answer's and the metrics' <c>outcome</c> (openapi.yaml).</summary>
    public static string Wire(this StripeRecorded recorded) => recorded switch
    {
        StripeRecorded.DuplicateEvent => "duplicate-event",
        StripeRecorded.RecordedFailed => "recorded-failed",
        StripeRecorded.RecordedExpired => "recorded-expired",
        StripeRecorded.AlreadyConverted => "already-converted",
        StripeRecorded.Converted => "converted",
        StripeRecorded.ConvertedUnattributed => "converted-unattributed",
        _ => throw new ArgumentOutOfRangeException(nameof(recorded)),
    };
}
