namespace Tracking.Delivery;

/// <summary>Why an entry was dead-lettered (metric tag <c>kind</c>).</summary>
internal enum DeadKind
{
    /// <summary>The destination refused the event itself (a 4xx about its content).</summary>
    Refused,
    /// <summary>Older than the destination accepts (Meta 7 days, PostHog:MaxAge).</summary>
    TooOld,
    /// <summary>The stored entry could not be read, or names no destination we have.</summary>
    Unreadable,
}
