namespace Tracking.Donations;

/// <summary>Body of <c>POST /checkout</c>; <c>amount</c> in major units (25 or 25.50).</summary>
/// <param name="Url">The page where the donation started (Meta's event_source_url of InitiateCheckout and Purchase).</param>
/// <param name="Referrer">That page's document.referrer (Meta's referrer_url).</param>
/// <param name="Campaign">The fundraising campaign donated to; defaults to the session's <c>selected_campaign</c>.</param>
/// <param name="Interval">A recurring donation's billing interval (one of Donations__Intervals, default <c>month</c>); absent = a one-off donation.</param>
public sealed record CheckoutRequest(string? SessionId, decimal? Amount, string? Currency = null, string? Email = null, string? Content = null, string? Url = null, string? Referrer = null,
    string? Campaign = null, string? Interval = null);

public sealed record CheckoutCreated(string CheckoutSessionId, string Url);

public sealed record WebhookReceived(bool Received, string Outcome);
