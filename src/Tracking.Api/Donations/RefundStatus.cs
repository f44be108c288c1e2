namespace Tracking.Donations;

/// <summary>What record_refund.lua answered (Lua: <c>S.Name</c>).</summary>
internal enum RefundStatus
{
    /// <summary>The event's fact is recorded (and its change queued when the refunded amount moved).</summary>
    Recorded,

    /// <summary>This Stripe event was recorded before.</summary>
    DuplicateEvent,

    /// <summary>Another event of the same donation was recorded since the state was read: nothing written, read again.</summary>
    Conflict,
}
