namespace Tracking.Sessions;

// Defaults mark every member optional, as it is when read (the OpenAPI schema would call them required otherwise).
public sealed record UtmParameters(string? Source = null, string? Medium = null, string? Campaign = null, string? Content = null, string? Term = null);

public sealed record ConsentState(string? Analytics = null, string? Marketing = null);

/// <summary>Body of <c>POST /session</c>.</summary>
/// <param name="VisitorId">The id a previous answer gave; an id the service did not issue counts as none (a new visitor).</param>
/// <param name="PageLoadKey">A random value (16-64 characters of A-Z, a-z, 0-9, '_', '-', '.', ':') the page makes once and keeps in memory, sent here and nowhere else (not to a pixel, Meta, PostHog or Stripe): a retry carrying the same key finds the session the first attempt created.</param>
/// <param name="Events">The page's first events (its PageView), stored with the session in the same script, as a batch of <c>POST /events</c> would be but without session ids.</param>
public sealed record SessionRequest(
    string? Url,
    string? Referrer = null,
    string? SessionId = null,
    string? VisitorId = null,
    UtmParameters? Utm = null,
    string? Fbclid = null,
    string? Gclid = null,
    string? Fbp = null,
    string? Fbc = null,
    ConsentState? Consent = null,
    string? PosthogDistinctId = null,
    List<Tracking.Events.EventRequest>? Events = null,
    string? PageLoadKey = null,
    string? Ttclid = null,
    string? Ttp = null);

/// <param name="ExpiresAt">When the session expires unless touched again (ms since the epoch, on the store's clock: the TTL
/// from now, or at most 30 s less when a touch left it): the snippet keeps the id exactly that long.</param>
/// <param name="Events">What happened to the request's <c>events</c> (absent when it sent none).</param>
public sealed record SessionResponse(string SessionId, string VisitorId, bool IsNew, long ExpiresAt, Tracking.Events.EventsAccepted? Events = null);

public sealed record SessionView(string SessionId, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<System.Text.Json.JsonElement> Events);
