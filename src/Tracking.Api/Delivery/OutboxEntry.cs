using System.Text.Json;

namespace Tracking.Delivery;

/// <summary>
/// One event waiting for delivery. Written in the same script as the event itself, once per destination under
/// the id <c>{destination}:{session}:{event}</c>; carries what the request knew (IP, User-Agent) and, for server
/// events, what the session may no longer hold when it is sent.
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
    string? Country = null)
{
    public static string DestinationOf(string id) => id[..Math.Max(0, id.IndexOf(':', StringComparison.Ordinal))];
}

internal static class Destinations
{
    public const string Meta = "meta";
    public const string PostHog = "posthog";
}
