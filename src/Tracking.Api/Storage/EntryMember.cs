namespace Tracking.Storage;

/// <summary>
/// Members of an outbox entry's JSON that a script adds when it queues the entry, because only the script knows them
/// (Lua: <c>E.Name</c>; Delivery.OutboxEntry reads them by these names).
/// </summary>
internal static class EntryMember
{
    /// <summary>The start (ms) of the visit the event joins; its '$' keeps it apart from any forwarded property.</summary>
    public const string VisitStart = "$visitStart";

    public const string ConsentMarketing = "consentMarketing";

    public const string ConsentAnalytics = "consentAnalytics";
}
