namespace Tracking.Delivery;

/// <summary>An entry ready to send, with the session as it is now (empty when the session expired).</summary>
internal sealed record Pending(Leased Leased, OutboxEntry Entry, IReadOnlyDictionary<string, string> Session);
