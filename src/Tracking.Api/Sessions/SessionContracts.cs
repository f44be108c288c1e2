namespace Tracking.Sessions;

public sealed record UtmParameters(string? Source, string? Medium, string? Campaign, string? Content, string? Term);

public sealed record ConsentState(string? Analytics, string? Marketing);

/// <summary>Body of <c>POST /session</c>.</summary>
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
    string? PosthogDistinctId = null);

public sealed record SessionResponse(string SessionId, string VisitorId, bool IsNew);

public sealed record SessionView(string SessionId, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<System.Text.Json.JsonElement> Events);
