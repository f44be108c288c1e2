using System.Text.Json;

namespace Tracking.Events;

/// <summary>One event from a frontend.</summary>
public sealed record EventRequest(
    string? SessionId = null,
    string? Event = null,
    string? EventId = null,
    string? Url = null,
    long? Timestamp = null,
    Dictionary<string, JsonElement>? Properties = null,
    string? Referrer = null);

/// <summary>Body of <c>POST /events</c>: one event, or <c>{ "sessionId"?, "events": [...] }</c> for a batch.</summary>
public sealed record EventsRequest(
    string? SessionId = null,
    string? Event = null,
    string? EventId = null,
    string? Url = null,
    long? Timestamp = null,
    Dictionary<string, JsonElement>? Properties = null,
    List<EventRequest>? Events = null,
    string? Referrer = null);

public sealed record EventsAccepted(int Accepted, int Duplicates);

/// <summary>Body of <c>POST /signup</c>.</summary>
/// <param name="Consent">Whether the visitor agreed to be e-mailed (the session's <c>email_consent</c>); not tracking consent.</param>
/// <param name="Url">The page the visitor signed up on (the Lead's event_source_url / $current_url).</param>
/// <param name="Referrer">That page's document.referrer (the Lead's referrer_url / $referrer).</param>
public sealed record SignupRequest(string? SessionId = null, string? Email = null, bool? Consent = null, string? Url = null, string? Referrer = null);

/// <param name="Duplicate">True when this session had already signed up with that address (nothing new was queued).</param>
public sealed record SignupAccepted(string EventId, bool Duplicate);
