using Microsoft.Extensions.Options;

namespace Tracking.Delivery;

/// <summary>When an entry that was not done is looked at again (Delivery:BaseBackoff, MaxBackoff, CircuitBreakDuration).</summary>
internal sealed class RetryPolicy(IOptions<DeliveryOptions> options)
{
    /// <summary>When an entry with this outcome is due again (ms), or 0 for an outcome that ends it.</summary>
    public long DueAt(Outcome outcome, int attempt, long now) => outcome switch
    {
        // Never reached the destination: looked at again soon, and its backoff does not grow (settling gives the lease
        // back). Only the entry's own failures (5xx, 429, timeout, network) count as attempts.
        Outcome.Retry { Kind: RetryKind.CircuitOpen } retry => now + (long)CircuitWait(retry.RetryAfter).TotalMilliseconds,
        Outcome.Retry retry => now + (long)Backoff(attempt, retry.RetryAfter).TotalMilliseconds,
        // Held for consent: looked at again soon at first, then every Delivery:MaxBackoff at most.
        Outcome.Held => now + (long)Backoff(attempt, null).TotalMilliseconds,
        _ => 0,
    };

    /// <summary>When entries of a destination that lost its credentials are looked at again (ms).</summary>
    public long DisabledDueAt(long now) => now + (long)options.Value.MaxBackoff.TotalMilliseconds;

    /// <summary>Exponential, jittered, capped; never shorter than the destination's Retry-After.</summary>
    public TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var o = options.Value;
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 20);
        var delay = Math.Min(o.MaxBackoff.TotalMilliseconds, o.BaseBackoff.TotalMilliseconds * Math.Pow(2, exponent));
        return AtLeast(Jittered(delay), retryAfter);
    }

    /// <summary>
    /// How long an entry that met an open circuit waits: a jittered Delivery:BaseBackoff, never longer than the circuit
    /// stays open (Delivery:CircuitBreakDuration), never shorter than the destination's Retry-After; whatever its history.
    /// </summary>
    public TimeSpan CircuitWait(TimeSpan? retryAfter)
    {
        var o = options.Value;
        return AtLeast(Jittered(Math.Min(o.BaseBackoff.TotalMilliseconds, o.CircuitBreakDuration.TotalMilliseconds)), retryAfter);
    }

    private static TimeSpan Jittered(double ms) => TimeSpan.FromMilliseconds(ms * (0.8 + (Random.Shared.NextDouble() * 0.4)));

    private static TimeSpan AtLeast(TimeSpan wait, TimeSpan? retryAfter) => retryAfter is { } ra && ra > wait ? ra : wait;
}
