namespace Tracking.Delivery;

/// <summary>
/// A delivery target. A destination lives in its own folder, registers itself (<c>Add{Name}Destination()</c>)
/// and depends on Delivery, never the reverse.
/// </summary>
internal interface IDestination
{
    /// <summary>The first segment of its outbox ids ("meta").</summary>
    string Name { get; }

    bool Enabled { get; }

    /// <summary>Whether this destination receives the event at all (queued only then).</summary>
    bool Takes(string eventName);

    /// <summary>The consent it needs and the oldest event it takes: entries failing them never reach <see cref="DeliverAsync"/>.</summary>
    DestinationRules Rules { get; }

    /// <summary>
    /// Maps and sends entries that passed the <see cref="Triage"/> (in requests as large as the destination takes);
    /// one outcome per entry, in order.
    /// </summary>
    Task<IReadOnlyList<Outcome>> DeliverAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken);
}
