namespace Tracking.Privacy;

public sealed record VisitorExport(
    string VisitorId, long? SessionCount, IReadOnlyList<string> EmailHashes, IReadOnlyList<string> PostHogIds, IReadOnlyList<SessionExport> Sessions,
    IReadOnlyList<ConversionExport> Conversions, IReadOnlyList<OutboxExport> Pending, IReadOnlyList<OutboxExport> Dead,
    IReadOnlyList<SubscriptionExport>? Subscriptions = null);
