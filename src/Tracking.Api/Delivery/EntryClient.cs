namespace Tracking.Delivery;

/// <summary>The request behind an event (Meta's client_ip_address and client_user_agent).</summary>
internal readonly record struct EntryClient(string? Ip, string? UserAgent);
