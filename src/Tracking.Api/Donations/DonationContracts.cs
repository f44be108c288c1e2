namespace Tracking.Donations;

/// <summary>Body of <c>POST /checkout</c>; <c>amount</c> in major units (25 or 25.50).</summary>
public sealed record CheckoutRequest(string? SessionId, decimal? Amount, string? Currency = null, string? Email = null, string? Content = null);

public sealed record CheckoutCreated(string CheckoutSessionId, string Url);

public sealed record WebhookReceived(bool Received, string Outcome);
