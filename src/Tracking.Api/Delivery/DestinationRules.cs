namespace Tracking.Delivery;

/// <summary>What a destination accepts, for the <see cref="Triage"/> every entry goes through before it is sent there.</summary>
/// <param name="Consent">The consent the destination needs.</param>
/// <param name="MaxAge">The oldest event the destination takes (by event time).</param>
/// <param name="Limit">That limit as reasons name it ("Meta's 7-day limit").</param>
/// <param name="TooOld">The dead-letter reason of an entry past the limit.</param>
internal sealed record DestinationRules(ConsentPurpose Consent, TimeSpan MaxAge, string Limit, string TooOld);
