namespace Tracking.Donations;

/// <summary>What link_subscription.lua, record_renewal.lua and cancel_subscription.lua answer.</summary>
internal enum SubscriptionStatus
{
    Linked,
    AlreadyLinked,
    Renewed,
    AlreadyRenewed,
    Cancelled,
    AlreadyCancelled,
    DuplicateEvent,
    /// <summary>No link: the first payment is not recorded yet (Stripe is asked to deliver again).</summary>
    NotLinked,
    /// <summary>The link was erased at the donor's request; its anonymous active entry is all that is left.</summary>
    Erased,
}
