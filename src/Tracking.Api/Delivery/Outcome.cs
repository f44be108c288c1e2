namespace Tracking.Delivery;

/// <summary>
/// The one vocabulary of delivery: what became of an entry (or of a whole request, for a batch send). Settling
/// maps it onto the outbox: <see cref="Sent"/> and <see cref="Skipped"/> are done, <see cref="Retry"/> is
/// rescheduled with backoff, <see cref="Dead"/> is dead-lettered (for a batch: refused, then split to find the bad event).
/// </summary>
internal abstract record Outcome(string Reason)
{
    public static readonly Outcome Delivered = new Sent();

    /// <summary>Accepted by the destination.</summary>
    public sealed record Sent() : Outcome("sent");

    /// <summary>Deliberately not sent (consent, bot); done, not an error.</summary>
    public sealed record Skipped(string Why) : Outcome(Why);

    /// <summary>
    /// Temporary failure: reschedule, never drop; never sooner than <paramref name="RetryAfter"/>.
    /// <paramref name="Unauthorized"/>: the destination refused our credentials (revoked or wrong key), which an
    /// operator must fix; entries wait until then, or until they are too old for the destination (then dead).
    /// </summary>
    public sealed record Retry(string Why, TimeSpan? RetryAfter = null, bool Unauthorized = false) : Outcome(Why);

    /// <summary>
    /// Consent not given yet (opt-in mode): kept, looked at again with backoff; sent once granted, dropped once
    /// denied, when the session expires undecided, or when the entry is too old for the destination.
    /// </summary>
    public sealed record Held(string Why) : Outcome(Why);

    /// <summary>The destination refused this content: dead-letter it with the destination's words.</summary>
    public sealed record Dead(string Why) : Outcome(Why);
}

/// <summary>An entry ready to send, with the session as it is now (empty when the session expired).</summary>
internal sealed record Pending(Leased Leased, OutboxEntry Entry, IReadOnlyDictionary<string, string> Session);

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

    /// <summary>One outcome per entry, in order.</summary>
    Task<IReadOnlyList<Outcome>> DeliverAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken);
}

internal static class Batches
{
    /// <summary>
    /// Sends a batch; when the destination refuses it for its content (<see cref="Outcome.Dead"/>), splits it in
    /// halves until the bad events stand alone, so one invalid event neither blocks nor drops the others.
    /// </summary>
    public static async Task SendIsolatingAsync<T>(
        IReadOnlyList<T> items, int maxPerRequest, Func<IReadOnlyList<T>, Task<Outcome>> send, Action<T, Outcome> record)
    {
        if (items.Count > maxPerRequest)
        {
            foreach (var chunk in items.Chunk(maxPerRequest))
            {
                await SendIsolatingAsync(chunk, maxPerRequest, send, record);
            }
            return;
        }
        if (items.Count == 0)
        {
            return;
        }
        var result = await send(items);
        if (result is Outcome.Dead && items.Count > 1)
        {
            var half = items.Count / 2;
            await SendIsolatingAsync(items.Take(half).ToList(), maxPerRequest, send, record);
            await SendIsolatingAsync(items.Skip(half).ToList(), maxPerRequest, send, record);
            return;
        }
        foreach (var item in items)
        {
            record(item, result);
        }
    }
}
