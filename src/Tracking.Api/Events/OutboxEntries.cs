using System.Text.Json;
using Tracking.Delivery;
using Tracking.Edge;

namespace Tracking.Events;

internal static class OutboxEntries
{
    /// <summary>
    /// The outbox entry of a browser event: the event plus the request's IP and User-Agent for Meta. The one place
    /// browser properties are filtered for the destinations: money and `$` names (<see cref="EventNames.IsServerProperty"/>)
    /// never leave the service (they stay in the session's event list, which nothing that counts money reads).
    /// </summary>
    public static OutboxEntry ForBrowserEvent(string sessionId, TrackedEvent e, ClientContext client) =>
        OutboxEntry.ForBrowserEvent(
            sessionId, e.EventId, e.Name, e.Timestamp, new(e.Url, e.Referrer), new(client.Ip, client.UserAgent), Forwardable(e.Properties));

    private static Dictionary<string, JsonElement>? Forwardable(Dictionary<string, JsonElement>? properties)
    {
        if (properties is not { Count: > 0 })
        {
            return null;
        }
        if (!properties.Keys.Any(EventNames.IsServerProperty))
        {
            return properties;
        }
        var kept = properties.Where(p => !EventNames.IsServerProperty(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return kept.Count > 0 ? kept : null;
    }
}
