using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Delivery;

/// <summary>
/// One event waiting for delivery, stored as JSON (<see cref="DeliveryJson"/>) in the same script as the event
/// itself, once per destination (see <see cref="OutboxId"/>). Carries what the request knew (IP, User-Agent) and,
/// for server events, what the session may no longer hold when it is sent. <c>ConsentMarketing</c> and
/// <c>ConsentAnalytics</c> are the consent that applied when it was queued (granted, denied, pending): what is honoured
/// once the session has expired (see <see cref="Consent.Decide"/>); browser events get them stamped by the append
/// script from the live session. Built by one factory per producer (<see cref="ForBrowserEvent"/>,
/// <see cref="ForSignup"/>, <see cref="ForCheckout"/>, <see cref="ForDonation"/>), so each call site names what it
/// knows; the member order is the stored JSON's.
/// </summary>
internal sealed record OutboxEntry
{
    /// <summary>
    /// Ms start of the visit (PostHog's session: a new one after 30 minutes without events) the event belongs to.
    /// Browser events and the server's (Lead, InitiateCheckout, Purchase) are queued with <see cref="VisitPending"/> (no
    /// member) and their script adds the member (Events/visits.lua). Still missing when sent (a Purchase whose session
    /// had expired): no visit.
    /// </summary>
    public static readonly long? VisitPending;

    public required string SessionId { get; init; }

    public required string EventId { get; init; }

    public required string Event { get; init; }

    public required long Timestamp { get; init; }

    public string? Url { get; init; }

    public Dictionary<string, JsonElement>? Properties { get; init; }

    public string? Ip { get; init; }

    public string? UserAgent { get; init; }

    public decimal? Value { get; init; }

    public string? Currency { get; init; }

    public string? EmailHash { get; init; }

    /// <summary>True when Meta's libraries refuse the address's form (no <c>em</c> for it); PostHog still identifies by it.</summary>
    public bool? MetaRefusesEmail { get; init; }

    public string? VisitorId { get; init; }

    public string? Fbp { get; init; }

    public string? Fbc { get; init; }

    public string? Ttclid { get; init; }

    public string? Ttp { get; init; }

    public string? Country { get; init; }

    [JsonPropertyName(Storage.EntryMember.ConsentMarketing)]
    public string? ConsentMarketing { get; init; }

    [JsonPropertyName(Storage.EntryMember.ConsentAnalytics)]
    public string? ConsentAnalytics { get; init; }

    public string? Referrer { get; init; }

    [JsonPropertyName(Storage.EntryMember.VisitStart)]
    public long? VisitStart { get; init; }

    /// <summary>SHA-256 of the address normalised as Google specifies (Meta's <see cref="EmailHash"/> normalises less).</summary>
    public string? GoogleEmailHash { get; init; }

    /// <summary>The Google click id the checkout carried in Stripe's metadata (one of the three), for a session since expired.</summary>
    public string? Gclid { get; init; }

    public string? Gbraid { get; init; }

    public string? Wbraid { get; init; }

    /// <summary>A browser event (<c>POST /events</c>), its properties already filtered for the destinations.</summary>
    public static OutboxEntry ForBrowserEvent(
        string sessionId, string eventId, string name, long timestamp, EntryPage page, EntryClient client,
        Dictionary<string, JsonElement>? properties) =>
        Common(sessionId, eventId, name, timestamp, page, client, properties);

    /// <summary>The Lead of <c>POST /signup</c>: identified by the hashed address the visitor typed (Meta's and Google's hash).</summary>
    public static OutboxEntry ForSignup(
        string sessionId, string eventId, string name, long timestamp, EntryPage page, EntryClient client,
        string emailHash, Dictionary<string, JsonElement>? properties, string? googleEmailHash = null, bool metaRefusesEmail = false) =>
        Common(sessionId, eventId, name, timestamp, page, client, properties) with
        {
            EmailHash = emailHash,
            GoogleEmailHash = googleEmailHash,
            MetaRefusesEmail = metaRefusesEmail ? true : null,
        };

    /// <summary>
    /// The InitiateCheckout of <c>POST /checkout</c>: its amount and the session's consent at that moment. No e-mail:
    /// the typed address is unverified, and anyone could attach a victim's address to a checkout.
    /// </summary>
    public static OutboxEntry ForCheckout(
        string sessionId, string eventId, string name, long timestamp, EntryPage page, EntryClient client,
        decimal value, string currency, EntryConsent consent, Dictionary<string, JsonElement>? properties) =>
        Common(sessionId, eventId, name, timestamp, page, client, properties) with
        {
            Value = value,
            Currency = currency,
            ConsentMarketing = consent.Marketing,
            ConsentAnalytics = consent.Analytics,
        };

    /// <summary>
    /// The Purchase of a paid donation (Stripe webhook): the session may be gone, so what the browser knew (visitor,
    /// fbp, fbc, ttclid, ttp, country) comes from the Checkout Session's metadata, and the address is the one the payer gave Stripe.
    /// </summary>
    public static OutboxEntry ForDonation(
        string sessionId, string eventId, string name, long timestamp, EntryPage page, EntryClient client,
        decimal value, string currency, EntryConsent consent, string? emailHash, Dictionary<string, JsonElement>? properties,
        string? visitorId = null, string? fbp = null, string? fbc = null, string? country = null,
        string? ttclid = null, string? ttp = null, GoogleIds? google = null, bool metaRefusesEmail = false) =>
        ForCheckout(sessionId, eventId, name, timestamp, page, client, value, currency, consent, properties) with
        {
            EmailHash = emailHash,
            MetaRefusesEmail = metaRefusesEmail ? true : null,
            VisitorId = visitorId,
            Fbp = fbp,
            Fbc = fbc,
            Country = country,
            Ttclid = ttclid,
            Ttp = ttp,
            GoogleEmailHash = google?.EmailHash,
            Gclid = google?.Gclid,
            Gbraid = google?.Gbraid,
            Wbraid = google?.Wbraid,
        };

    private static OutboxEntry Common(
        string sessionId, string eventId, string name, long timestamp, EntryPage page, EntryClient client,
        Dictionary<string, JsonElement>? properties) => new()
        {
            SessionId = sessionId,
            EventId = eventId,
            Event = name,
            Timestamp = timestamp,
            Url = page.Url,
            Properties = properties,
            Ip = client.Ip,
            UserAgent = client.UserAgent,
            Referrer = page.Referrer,
            VisitStart = VisitPending,
        };
}
