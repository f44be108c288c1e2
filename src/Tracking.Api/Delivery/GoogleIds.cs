namespace Tracking.Delivery;

/// <summary>
/// What a Purchase carries for Google when its session may be gone: the payer's address hashed as Google normalises
/// it, and the click id the checkout recorded in Stripe's metadata (at most one of the three).
/// </summary>
internal sealed record GoogleIds(string? EmailHash, string? Gclid, string? Gbraid, string? Wbraid);
