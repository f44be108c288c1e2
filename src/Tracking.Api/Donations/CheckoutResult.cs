namespace Tracking.Donations;

internal enum CheckoutStatus
{
    /// <summary>Stripe made the Checkout Session; InitiateCheckout is stored and queued.</summary>
    Created,
    /// <summary>No such live session: nothing sent to Stripe, or (expired meanwhile) nothing recorded.</summary>
    UnknownSession,
    /// <summary>The session holds Tracking__MaxEventsPerSession events: nothing recorded.</summary>
    SessionFull,
    /// <summary>The session has used Donations__MaxCheckoutsPerSession checkouts: nothing sent to Stripe.</summary>
    LimitReached,
    /// <summary>The client has used Donations__CheckoutsPerClientPerHour: nothing sent to Stripe.</summary>
    OverBudget,
    /// <summary>Stripe could not create the Checkout Session: its slot was given back, nothing recorded.</summary>
    StripeUnavailable,
}

/// <summary>What <see cref="CreateCheckout"/> did.</summary>
/// <param name="Held">The session's events, when <see cref="CheckoutStatus.SessionFull"/>.</param>
/// <param name="RetryAfter">When the client's checkout window ends, when <see cref="CheckoutStatus.OverBudget"/>.</param>
internal sealed record CheckoutResult(CheckoutStatus Status, CheckoutCreated? Created = null, long Held = 0, TimeSpan RetryAfter = default)
{
    public static readonly CheckoutResult UnknownSession = new(CheckoutStatus.UnknownSession);
}
