using System.Text.Json;

namespace Tracking.Delivery;

/// <summary>
/// The producers' side of the outbox: which destinations take an event (each destination says so itself) and
/// the entry as the write scripts store it. Destinations register themselves; the outbox knows none by name.
/// </summary>
internal sealed class Outbox(IEnumerable<IDestination> destinations)
{
    private readonly IDestination[] _destinations = [.. destinations];

    /// <summary>The enabled destinations that take this event.</summary>
    public IReadOnlyList<IDestination> DestinationsFor(string eventName) =>
        _destinations.Where(d => d.Enabled && d.Takes(eventName)).ToList();

    /// <summary>The entry serialised once, with one outbox id per destination; <see cref="QueuedEntry.None"/> when none takes it.</summary>
    public QueuedEntry Queue(OutboxEntry entry)
    {
        List<string>? ids = null;
        foreach (var destination in _destinations)
        {
            if (destination.Enabled && destination.Takes(entry.Event))
            {
                (ids ??= new List<string>(_destinations.Length)).Add(OutboxId.Of(destination.Name, entry.SessionId, entry.EventId));
            }
        }
        return ids is null ? QueuedEntry.None : new QueuedEntry(JsonSerializer.Serialize(entry, DeliveryJson.Default.OutboxEntry), ids);
    }
}
