using Microsoft.Extensions.Options;
using Tracking.Infrastructure;
using Tracking.Consent;

namespace Tracking.Delivery;

/// <summary>
/// Sends one request's entries to their destination (those that pass its <see cref="Triage"/>) and turns the outcomes
/// into settlements: when each is due again, what the metrics, the destination's health and the log learn from them.
/// </summary>
internal sealed class DestinationSender(
    RetryPolicy retries, DeliveryMetrics metrics, DestinationHealth health, IOptions<ConsentOptions> consent, TimeProvider clock, ILogger<OutboxWorker> logger)
{
    public async Task<IReadOnlyList<Settled>> SendAsync(
        IDestination destination, List<Leased> group, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> sessions, long now, CancellationToken ct)
    {
        if (!destination.Enabled)
        {
            // Credentials removed after these were queued: keep them, check again later.
            var later = retries.DisabledDueAt(now);
            return group.Select(l => new Settled(l, new Outcome.Retry("destination disabled", RetryKind.Disabled), later)).ToList();
        }
        var triage = new Triage(destination.Rules, consent.Value.ConsentMode, clock.GetUtcNow());
        var outcomes = new Outcome[group.Count];
        var toSend = new List<(int Index, Pending Entry)>(group.Count);
        for (var i = 0; i < group.Count; i++)
        {
            var pending = new Pending(group[i], group[i].Entry!, sessions[group[i].Entry!.SessionId]);
            if (triage.Check(pending.Entry, pending.Session) is { } decided)
            {
                outcomes[i] = decided;
            }
            else
            {
                toSend.Add((i, pending));
            }
        }
        try
        {
            var sent = toSend.Count == 0 ? [] : await destination.DeliverAsync(toSend.ConvertAll(p => p.Entry), ct);
            for (var j = 0; j < toSend.Count; j++)
            {
                outcomes[toSend[j].Index] = sent[j];
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The shutdown timeout ran out mid-send: release the entries (due now) so another replica takes them at once.
            OutboxWorkerLog.Released(logger, destination.Name, group.Count);
            return group.Select(l => new Settled(l, new Outcome.Retry("released: send abandoned at shutdown", RetryKind.Released), now)).ToList();
        }
        health.Record(destination.Name, outcomes);
        var settled = new List<Settled>(group.Count);
        for (var i = 0; i < group.Count; i++)
        {
            var leased = group[i];
            var outcome = outcomes[i];
            metrics.Record(destination.Name, outcome, leased.Entry!.Timestamp, now);
            settled.Add(new Settled(leased, outcome, retries.DueAt(outcome, leased.Attempt, now)));
            if (outcome is Outcome.Dead dead)
            {
                OutboxWorkerLog.DeadLettered(logger, destination.Name, leased.Entry.Event, dead.Reason);
            }
        }
        LogRetries(destination.Name, outcomes);
        return settled;
    }

    private void LogRetries(string destination, IReadOnlyList<Outcome> outcomes)
    {
        foreach (var kind in outcomes.OfType<Outcome.Retry>().GroupBy(r => r.Kind))
        {
            var first = kind.First();
            if (first.NeverSent)
            {
                OutboxWorkerLog.NotSent(logger, destination, kind.Count(), WireName<RetryKind>.Of(kind.Key), first.Reason);
            }
            else
            {
                OutboxWorkerLog.Rescheduled(logger, destination, kind.Count(), WireName<RetryKind>.Of(kind.Key), first.Reason);
            }
        }
    }
}
