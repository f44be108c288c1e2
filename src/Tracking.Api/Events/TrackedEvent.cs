namespace Tracking.Events;

/// <summary>
/// A validated event ready to store: its sorted-set member and the session updates it implies
/// (<paramref name="SetField"/> = <paramref name="SetValue"/>: one session field the event sets, e.g. <c>selected_campaign</c>).
/// </summary>
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
    string? Referrer = null,
    string? SetField = null,
    string? SetValue = null,
    string? WatchedField = null,
    double? WatchTime = null,
    string? WatchTimeField = null);
