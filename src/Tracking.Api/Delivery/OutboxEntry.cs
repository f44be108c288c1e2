using System.Text.Json;

namespace Tracking.Delivery;

/// <summary>
/// One event waiting for delivery, stored as JSON (<see cref="DeliveryJson"/>) in the same script as the event
/// itself, once per destination (see <see cref="OutboxId"/>). Carries what the request knew (IP, User-Agent) and,
/// for server events, what the session may no longer hold when it is sent. <c>ConsentMarketing</c> and
/// <c>ConsentAnalytics</c> are the consent that applied when it was queued (granted, denied, pending): what is honoured
/// once the session has expired (see <see cref="Consent.Decide"/>). They are the entry's last members: browser events
/// get them stamped by the append script from the live session.
/// </summary>
internal sealed record OutboxEntry(
    string SessionId,
    string EventId,
    string Event,
    long Timestamp,
    string? Url = null,
    Dictionary<string, JsonElement>? Properties = null,
    string? Ip = null,
    string? UserAgent = null,
    decimal? Value = null,
    string? Currency = null,
    string? EmailHash = null,
    string? VisitorId = null,
    string? Fbp = null,
    string? Fbc = null,
    string? Country = null,
    [property: System.Text.Json.Serialization.JsonPropertyName(Storage.EntryMember.ConsentMarketing)] string? ConsentMarketing = null,
    [property: System.Text.Json.Serialization.JsonPropertyName(Storage.EntryMember.ConsentAnalytics)] string? ConsentAnalytics = null,
    string? Referrer = null,
    [property: System.Text.Json.Serialization.JsonPropertyName(Storage.EntryMember.VisitStart)] long? VisitStart = null)
{
    /// <summary>
    /// Ms start of the visit (PostHog's session: a new one after 30 minutes without events) the event belongs to.
    /// Browser events and the server's (Lead, InitiateCheckout, Purchase) are queued with <see cref="VisitPending"/> (no
    /// member) and their script adds the member (Events/visits.lua). Still missing when sent (a Purchase whose session
    /// had expired): no visit.
    /// </summary>
    public static readonly long? VisitPending;
}

/// <summary>
/// Outbox entry ids: <c>{destination}:{session id}:{event id}</c>, formed and read only here (and by outbox.lua's
/// <c>outbox_item</c>). An event's entry is stored once for all its destinations, under <see cref="ItemOf"/>.
/// </summary>
internal static class OutboxId
{
    public static string Of(string destination, string sessionId, string eventId) => $"{destination}:{sessionId}:{eventId}";

    public static string DestinationOf(string id) => id[..Math.Max(0, id.IndexOf(':', StringComparison.Ordinal))];

    /// <summary>The <c>items</c> field holding the entry: the id without its destination (<c>{session id}:{event id}</c>).</summary>
    public static string ItemOf(string id) => id[(id.IndexOf(':', StringComparison.Ordinal) + 1)..];
}

/// <summary>An entry ready to be written by a script: its JSON once, and one id per destination that takes it.</summary>
internal sealed record QueuedEntry(string Json, IReadOnlyList<string> Ids)
{
    public static readonly QueuedEntry None = new("", []);
}
