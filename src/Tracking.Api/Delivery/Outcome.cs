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
