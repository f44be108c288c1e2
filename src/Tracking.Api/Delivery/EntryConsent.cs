namespace Tracking.Delivery;

/// <summary>The consent recorded with a server event (granted, denied, pending; null when unknown).</summary>
internal readonly record struct EntryConsent(string? Marketing, string? Analytics);
