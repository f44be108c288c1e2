namespace Tracking.Events;

/// <summary>What an event's name and properties imply for its session, beyond storing it (see <see cref="TrackedEvent"/>).</summary>
internal sealed record EventMeaning(
    string? Content, string? Milestone, string? CompletionField, int Percent, double? WatchTime, string? SetField, string? SetValue);
