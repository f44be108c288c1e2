namespace Tracking.Events;

/// <summary>A validated event ready to store: its sorted-set member and the session updates it implies.</summary>
internal sealed record TrackedEvent(
    string EventId,
    string Name,
    long Timestamp,
    string Member,
    string? Milestone,
    string? ContentViewed,
    string? CompletionField,
    int CompletionValue,
    string? Url,
    Dictionary<string, System.Text.Json.JsonElement>? Properties,
    string? Referrer = null);
