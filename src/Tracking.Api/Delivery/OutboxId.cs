namespace Tracking.Delivery;

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
