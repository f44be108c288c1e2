namespace Tracking.Delivery;

/// <summary>The page an event happened on and the page before it, as the destinations report them.</summary>
internal readonly record struct EntryPage(string? Url, string? Referrer);
