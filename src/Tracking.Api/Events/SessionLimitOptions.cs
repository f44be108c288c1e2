namespace Tracking.Events;

/// <summary>
/// The <c>Tracking</c> section's bounds on one session: how long it lives and how much it may hold. Read by every
/// capability that writes a session (Sessions, Events, Donations).
/// </summary>
public sealed class SessionLimitOptions
{
    public const string Section = "Tracking";

    public int SessionTtlDays { get; set; } = 7;

    public int MaxEventsPerBatch { get; set; } = 50;

    /// <summary>Events one session may hold; a request whose new events would pass it is refused whole (409).</summary>
    public int MaxEventsPerSession { get; set; } = 1000;

    /// <summary>Bytes one stored event (its JSON member) may take; a larger one is refused (400).</summary>
    public int MaxEventBytes { get; set; } = 4096;

    /// <summary>Touches a session keeps: the first (it anchors first-touch attribution) and the latest N-1.</summary>
    public int MaxTouchesPerSession { get; set; } = 50;

    /// <summary>Contents a session keeps a <c>{content}_completion</c> field for (the first N watched).</summary>
    public int MaxContentsPerSession { get; set; } = 20;

    /// <summary>
    /// Leads one session may send (one per new address); later signups are still recorded on the session but queue
    /// nothing, so a free session cannot send Meta a stream of other people's hashed addresses.
    /// </summary>
    public int MaxSignupsPerSession { get; set; } = 2;

    public TimeSpan SessionTtl => TimeSpan.FromDays(SessionTtlDays);
}
