namespace Tracking.Donations;

/// <summary>What reserve_checkout.lua answered (Lua: <c>S.Name</c>).</summary>
internal enum SlotStatus
{
    /// <summary>A slot is held for this idempotency key (reserved now, or before by the same key).</summary>
    Reserved,
    UnknownSession,

    /// <summary>The session has used all its checkout slots: nothing written.</summary>
    LimitReached,
}
