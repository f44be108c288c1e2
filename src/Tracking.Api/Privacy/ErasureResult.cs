namespace Tracking.Privacy;

/// <summary>What one erasure removed. <c>posthog</c>: not-configured, accepted or failed.</summary>
public sealed record ErasureResult(
    int Visitors, int Sessions, long KeysDeleted, long PendingEntries, long DeadLetters, long ConversionsAnonymised, string PostHog);
