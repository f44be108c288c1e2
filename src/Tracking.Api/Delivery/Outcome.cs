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
    /// <paramref name="Kind"/> says what happened (counted per kind in <c>tracking.delivery.retried</c>).
    /// </summary>
    public sealed record Retry(string Why, RetryKind Kind, TimeSpan? RetryAfter = null) : Outcome(Why)
    {
        /// <summary>
        /// The destination refused our credentials (revoked or wrong key), which an operator must fix; entries wait
        /// until then, or until they are too old for the destination (then dead).
        /// </summary>
        public bool Unauthorized => Kind == RetryKind.Unauthorized;

        /// <summary>
        /// The entry never reached the destination (open circuit, abandoned at shutdown, destination disabled): not a
        /// failed attempt of this entry, so its lease is given back and its backoff does not grow.
        /// </summary>
        public bool NeverSent => Kind is RetryKind.CircuitOpen or RetryKind.Released or RetryKind.Disabled;
    }

    /// <summary>
    /// Consent not given yet (opt-in mode): kept, looked at again with backoff; sent once granted, dropped once
    /// denied, when the session expires undecided, or when the entry is too old for the destination.
    /// </summary>
    public sealed record Held(string Why) : Outcome(Why);

    /// <summary>Dead-lettered with the destination's words (or ours, for <see cref="DeadKind.TooOld"/> and <see cref="DeadKind.Unreadable"/>).</summary>
    public sealed record Dead(string Why, DeadKind Kind = DeadKind.Refused) : Outcome(Why);
}

/// <summary>Why a send is retried (metric tag <c>kind</c>, by its wire name).</summary>
internal enum RetryKind
{
    /// <summary>5xx, 408, or the destination's own "temporary error" answer.</summary>
    ServerError,
    /// <summary>429 or the destination's throttling error codes.</summary>
    RateLimited,
    /// <summary>No answer within the attempt timeout.</summary>
    Timeout,
    /// <summary>Not even tried: the destination's circuit is open after mostly failing calls.</summary>
    CircuitOpen,
    /// <summary>Connection refused, reset, DNS, TLS, or another failure to get an answer.</summary>
    Network,
    /// <summary>Our credentials were refused (revoked or wrong key).</summary>
    Unauthorized,
    /// <summary>A 2xx we could not read as an acceptance.</summary>
    BadResponse,
    /// <summary>The destination lost its credentials after these were queued.</summary>
    Disabled,
    /// <summary>The send was abandoned at the shutdown timeout; released for another replica at once.</summary>
    Released,
}

/// <summary>Why an entry was dead-lettered (metric tag <c>kind</c>).</summary>
internal enum DeadKind
{
    /// <summary>The destination refused the event itself (a 4xx about its content).</summary>
    Refused,
    /// <summary>Older than the destination accepts (Meta 7 days, PostHog:MaxAge).</summary>
    TooOld,
    /// <summary>The stored entry could not be read, or names no destination we have.</summary>
    Unreadable,
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
