namespace Tracking.Delivery;

/// <summary>What a destination made of one entry.</summary>
internal abstract record Outcome
{
    public static readonly Outcome Delivered = new Sent();

    /// <summary>Accepted by the destination.</summary>
    public sealed record Sent : Outcome;

    /// <summary>Deliberately not sent (consent, bot); done, not an error.</summary>
    public sealed record Skipped(string Reason) : Outcome;

    /// <summary>Temporary failure: reschedule, never drop.</summary>
    public sealed record Failed(string Reason, TimeSpan? RetryAfter = null) : Outcome;

    /// <summary>The destination refused this very event: dead-letter it with the destination's words.</summary>
    public sealed record Rejected(string Reason) : Outcome;
}

/// <summary>An entry ready to send, with the session as it is now (empty when the session expired).</summary>
internal sealed record Pending(Leased Leased, OutboxEntry Entry, IReadOnlyDictionary<string, string> Session);

/// <summary>A delivery target (Meta, PostHog).</summary>
internal interface IDestination
{
    string Name { get; }

    bool Enabled { get; }

    Task<IReadOnlyList<Outcome>> DeliverAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken);
}

/// <summary>The answer to one HTTP send of a batch.</summary>
internal abstract record SendResult
{
    public static readonly SendResult Ok = new Success();

    public sealed record Success : SendResult;

    public sealed record Retryable(string Reason, TimeSpan? RetryAfter = null) : SendResult;

    /// <summary>The batch was refused for its content (e.g. one invalid event makes Meta refuse all).</summary>
    public sealed record Refused(string Reason) : SendResult;
}

internal static class Batches
{
    /// <summary>
    /// Sends a batch; when the destination refuses it for its content, splits it in halves until the bad events
    /// stand alone, so one invalid event neither blocks nor drops the others.
    /// </summary>
    public static async Task SendIsolatingAsync<T>(
        IReadOnlyList<T> items, int maxPerRequest, Func<IReadOnlyList<T>, Task<SendResult>> send, Action<T, Outcome> record)
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
        switch (result)
        {
            case SendResult.Success:
                foreach (var item in items)
                {
                    record(item, Outcome.Delivered);
                }
                break;
            case SendResult.Retryable r:
                foreach (var item in items)
                {
                    record(item, new Outcome.Failed(r.Reason, r.RetryAfter));
                }
                break;
            case SendResult.Refused r when items.Count == 1:
                record(items[0], new Outcome.Rejected(r.Reason));
                break;
            case SendResult.Refused:
                var half = items.Count / 2;
                await SendIsolatingAsync(items.Take(half).ToList(), maxPerRequest, send, record);
                await SendIsolatingAsync(items.Skip(half).ToList(), maxPerRequest, send, record);
                break;
        }
    }
}
