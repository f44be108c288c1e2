using Tracking.Delivery;
using Tracking.Infrastructure;

namespace Tracking.Events;

internal static class OutboxEntries
{
    /// <summary>The outbox entry of a browser event: the event plus the request's IP and User-Agent for Meta.</summary>
    public static OutboxEntry ForBrowserEvent(string sessionId, TrackedEvent e, ClientContext client) =>
        new(sessionId, e.EventId, e.Name, e.Timestamp, e.Url, e.Properties is { Count: > 0 } ? e.Properties : null, client.Ip, client.UserAgent);
}
