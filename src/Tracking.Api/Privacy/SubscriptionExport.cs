using System.Text.Json;

namespace Tracking.Privacy;

/// <summary>A recurring donation kept beside one of the visitor's sessions: its link, its first payment's touch path, its end (ms).</summary>
public sealed record SubscriptionExport(string SessionId, string SubscriptionId, JsonElement Link, JsonElement? Path, long? EndedAt);
