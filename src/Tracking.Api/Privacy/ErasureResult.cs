namespace Tracking.Privacy;

/// <summary>
/// What one erasure found and removed, and what it asked of PostHog. Found: <c>sessions</c>, <c>conversions</c>,
/// <c>signups</c> (live sessions with an e-mail signup), <c>emailHashes</c>. <c>postHogPersonsAsked</c>: distinct ids
/// PostHog was asked to delete; <c>postHogPersonsKept</c>: distinct ids not deleted because another visitor's records
/// carry them too. <c>postHog</c>: not-configured, accepted or failed.
/// </summary>
public sealed record ErasureResult(
    int Visitors, int Sessions, int Conversions, int Signups, int EmailHashes, long KeysDeleted, long PendingEntries, long DeadLetters,
    long ConversionsAnonymised, int PostHogPersonsAsked, int PostHogPersonsKept, string PostHog)
{
    public static readonly ErasureResult Nothing = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "not-configured");

    /// <summary>Two erasures' counts together (one request that erased several visitors); a failed PostHog call stays failed.</summary>
    public ErasureResult Plus(ErasureResult other) => new(
        Visitors + other.Visitors, Sessions + other.Sessions, Conversions + other.Conversions, Signups + other.Signups,
        EmailHashes + other.EmailHashes, KeysDeleted + other.KeysDeleted, PendingEntries + other.PendingEntries, DeadLetters + other.DeadLetters,
        ConversionsAnonymised + other.ConversionsAnonymised, PostHogPersonsAsked + other.PostHogPersonsAsked,
        PostHogPersonsKept + other.PostHogPersonsKept,
        PostHog == "failed" || other.PostHog == "failed" ? "failed" : other.PostHog == "not-configured" ? PostHog : other.PostHog);
}
