using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Delivery;

/// <summary>
/// Drains the outbox: leases due entries partition by partition, sends them per destination in batches, then
/// settles each entry (done, rescheduled with backoff, or dead-lettered). Safe to run in every replica: leases
/// keep two workers off the same entries, and an entry whose worker died reappears when its lease ends.
/// On stop (SIGTERM) it leases nothing more and lets the sends in flight finish and settle; only if the host's
/// shutdown timeout runs out first are they abandoned, and their entries released (due at once for any replica)
/// rather than hidden for the rest of the lease.
/// </summary>
internal sealed partial class OutboxWorker(
    OutboxStore store,
    SessionSnapshots snapshots,
    IEnumerable<IDestination> destinations,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    DeliveryMetrics metrics,
    DestinationHealth health,
    IOptions<HostOptions> host,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, IDestination> _destinations = destinations.ToDictionary(d => d.Name, StringComparer.Ordinal);

    // Cancelled shortly before the host's shutdown timeout runs out: sends still in flight are abandoned and released.
    // Never disposed: a test host may be stopped after its container was disposed, and a cancelled source holds nothing.
    private readonly CancellationTokenSource _abort = new();

    // Kept from the shutdown timeout to write the releases (one settle script per partition) before the host
    // disposes the Redis connection: the host does not wait for us past its timeout.
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(2);

    // Entries of all destinations share a partition: lease enough that each destination can fill a request.
    private int LeaseSize => options.Value.BatchSize * Math.Max(1, _destinations.Values.Count(d => d.Enabled));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.WorkerEnabled)
        {
            Log.WorkerDisabled(logger);
            return;
        }
        foreach (var destination in _destinations.Values.Where(d => !d.Enabled))
        {
            Log.DestinationDisabled(logger, destination.Name);
        }
        var lastDepth = DateTimeOffset.MinValue;
        var lastPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await DrainAllOnceAsync(_abort.Token, stoppingToken) > 0;
                if (clock.GetUtcNow() - lastDepth > TimeSpan.FromSeconds(10))
                {
                    var latency = await store.PingAsync();
                    var (depth, oldestDue) = await store.DepthAsync();
                    var overdue = oldestDue is { } due ? Math.Max(0, (clock.GetUtcNow().ToUnixTimeMilliseconds() - due) / 1000.0) : 0;
                    metrics.Outbox(depth, overdue, await store.DeadCountAsync(), latency);
                    lastDepth = clock.GetUtcNow();
                }
                if (clock.GetUtcNow() - lastPurge > TimeSpan.FromHours(1))
                {
                    await PurgeDeadLettersAsync();
                    lastPurge = clock.GetUtcNow();
                }
            }
            catch (Exception ex) when (ex is TimeoutException || Infrastructure.StoreUnavailableHandler.IsStoreFailure(ex))
            {
                Log.StoreUnavailable(logger, ex.GetType().Name);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || _abort.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The worker must outlive any surprise: entries stay leased and come back when the lease ends.
                Log.RoundFailed(logger, ex);
            }
            if (!full)
            {
                try
                {
                    await Task.Delay(o.PollInterval, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Deletes dead letters older than Delivery:DeadLetterRetentionDays (run hourly by the worker).</summary>
    public async Task<long> PurgeDeadLettersAsync()
    {
        var cutoff = (clock.GetUtcNow() - options.Value.DeadLetterRetention).ToUnixTimeMilliseconds();
        var purged = await store.PurgeDeadAsync(cutoff);
        if (purged > 0)
        {
            Log.DeadLettersPurged(logger, purged, options.Value.DeadLetterRetentionDays);
        }
        return purged;
    }

    /// <summary>One pass over every partition with due entries; returns how many had a full batch (more is waiting).</summary>
    public Task<int> DrainAllOnceAsync(CancellationToken cancellationToken) => DrainAllOnceAsync(cancellationToken, CancellationToken.None);

    /// <summary>
    /// Leases the due partitions a few at a time (<see cref="DeliveryOptions.Parallelism"/> in parallel) and sends
    /// each destination full requests (Delivery:BatchSize events) across partitions as they fill (<see cref="DrainPass"/>);
    /// what is left below a full request goes at the end of the pass. Each partition is settled with its own entries
    /// as soon as all of them have an outcome.
    /// </summary>
    /// <param name="cancellationToken">Abandons sends in flight (their entries are released).</param>
    /// <param name="stopping">Leases no further partition; what is leased is still sent and settled.</param>
    private async Task<int> DrainAllOnceAsync(CancellationToken cancellationToken, CancellationToken stopping)
    {
        var full = 0;
        // One pipelined read of each partition's earliest due time, so an idle outbox costs 256 cheap reads a
        // poll instead of 256 lease scripts.
        var due = await store.DuePartitionsAsync(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var pass = new DrainPass(options.Value.BatchSize);
        try
        {
            foreach (var chunk in due.Chunk(options.Value.Parallelism))
            {
                if (stopping.IsCancellationRequested)
                {
                    break;
                }
                var leased = (await Task.WhenAll(chunk.Select(LeaseAsync))).Where(l => l.Entries.Count > 0).ToList();
                full += leased.Count(l => l.Entries.Count >= LeaseSize);
                AddToPass(pass, leased);
                // Entries carried to the next partitions' requests do not wait past about half their lease.
                var carriedTooLong = pass.OldestLease is { } oldest
                    && clock.GetUtcNow().ToUnixTimeMilliseconds() - oldest > options.Value.Lease.TotalMilliseconds / 2;
                await SendAndSettleAsync(pass, all: carriedTooLong, cancellationToken);
            }
            await SendAndSettleAsync(pass, all: true, cancellationToken);
        }
        catch (Exception) when (!pass.IsEmpty)
        {
            await AbandonAsync(pass);
            throw;
        }
        return full;
    }

    /// <summary>
    /// A pass that failed midway (Redis timing out, say): what was sent is settled, so it is not sent again when its
    /// lease ends, and what was not sent is given back due at once (not a failed attempt). Best effort: if Redis
    /// is what failed, the leases end by themselves.
    /// </summary>
    private async Task AbandonAsync(DrainPass pass)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var release = new Outcome.Retry("released: the worker's pass failed before sending it", RetryKind.Released);
        try
        {
            await Task.WhenAll(pass.TakeAll(e => new Settled(e, release, now))
                .Select(p => store.SettleAsync(p.Partition, p.Lease, p.Done.Values.ToList(), now)));
        }
        catch (Exception ex)
        {
            Log.AbandonFailed(logger, ex.GetType().Name);
        }
    }

    /// <summary>Leases, sends and settles one batch of one partition; returns how many entries were leased.</summary>
    public async Task<int> DrainOnceAsync(int partition, CancellationToken cancellationToken)
    {
        var leased = await LeaseAsync(partition);
        if (leased.Entries.Count > 0)
        {
            var pass = new DrainPass(options.Value.BatchSize);
            AddToPass(pass, [leased]);
            await SendAndSettleAsync(pass, all: true, cancellationToken);
        }
        return leased.Entries.Count;
    }

    private async Task<PassPartition> LeaseAsync(int partition)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var lease = now + (long)options.Value.Lease.TotalMilliseconds;
        return new PassPartition(partition, now, lease, await store.LeaseAsync(partition, now, lease, LeaseSize));
    }

    /// <summary>Files leased entries under their destinations (unreadable ones are dead at once).</summary>
    private void AddToPass(DrainPass pass, IReadOnlyList<PassPartition> partitions)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var p in partitions)
        {
            pass.Add(p);
        }
        foreach (var entry in partitions.SelectMany(p => p.Entries))
        {
            if (entry.Entry is not null && _destinations.ContainsKey(entry.Destination))
            {
                pass.Wait(entry.Destination, entry);
                continue;
            }
            Log.DeadLettered(logger, entry.Destination, "(unreadable)", "unreadable entry or unknown destination");
            var dead = new Outcome.Dead("unreadable entry or unknown destination", DeadKind.Unreadable);
            metrics.Record(_destinations.ContainsKey(entry.Destination) ? entry.Destination : "unknown", dead, 0, now);
            pass.Record(new Settled(entry, dead));
        }
    }

    private async Task SendAndSettleAsync(DrainPass pass, bool all, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var requests = pass.Take(all);
        // Sessions are read just before the send, so consent changes and erasures since the lease still apply.
        var sessions = requests.Count == 0 ? null
            : await snapshots.ReadAsync(requests.SelectMany(r => r.Entries).Select(l => l.Entry!.SessionId));
        // Destinations in parallel, each one's requests in turn.
        var sends = requests.GroupBy(r => r.Destination).Select(async byDestination =>
        {
            var settled = new List<Settled>();
            foreach (var (destination, entries) in byDestination)
            {
                settled.AddRange(await SendGroupAsync(_destinations[destination], entries, sessions!, now, cancellationToken));
            }
            return settled;
        });
        var sending = sends.ToList();
        try
        {
            await Task.WhenAll(sending);
        }
        finally
        {
            // What the other destinations sent is recorded even when one of them failed (then settled by AbandonAsync).
            foreach (var settled in sending.Where(t => t.IsCompletedSuccessfully).SelectMany(t => t.Result))
            {
                pass.Record(settled);
            }
        }
        // Settle even when stopping (what was sent must not be sent again needlessly), each partition its own entries.
        await Task.WhenAll(pass.TakeComplete().Select(p => store.SettleAsync(p.Partition, p.Lease, p.Done.Values.ToList(), now)));
    }

    private async Task<IReadOnlyList<Settled>> SendGroupAsync(
        IDestination destination, List<Leased> group, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> sessions, long now, CancellationToken ct)
    {
        if (!destination.Enabled)
        {
            // Credentials removed after these were queued: keep them, check again later.
            var later = now + (long)options.Value.MaxBackoff.TotalMilliseconds;
            return group.Select(l => new Settled(l, new Outcome.Retry("destination disabled", RetryKind.Disabled), later)).ToList();
        }
        var settled = new List<Settled>(group.Count);
        var pending = group.Select(l => new Pending(l, l.Entry!, sessions[l.Entry!.SessionId])).ToList();
        IReadOnlyList<Outcome> outcomes;
        try
        {
            outcomes = await destination.DeliverAsync(pending, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The shutdown timeout ran out mid-send: release the entries (due now) so another replica takes them at once.
            Log.Released(logger, destination.Name, group.Count);
            return group.Select(l => new Settled(l, new Outcome.Retry("released: send abandoned at shutdown", RetryKind.Released), now)).ToList();
        }
        health.Record(destination.Name, outcomes);
        for (var i = 0; i < group.Count; i++)
        {
            var leased = group[i];
            var outcome = outcomes[i];
            metrics.Record(destination.Name, outcome, leased.Entry!.Timestamp, now);
            var due = outcome switch
            {
                // Never reached the destination: looked at again soon, and its backoff does not grow (settling gives
                // the lease back). Only the entry's own failures (5xx, 429, timeout, network) count as attempts.
                Outcome.Retry { Kind: RetryKind.CircuitOpen } retry => now + (long)CircuitWait(retry.RetryAfter).TotalMilliseconds,
                Outcome.Retry retry => now + (long)Backoff(leased.Attempt, retry.RetryAfter).TotalMilliseconds,
                // Held for consent: looked at again soon at first, then every Delivery:MaxBackoff at most.
                Outcome.Held => now + (long)Backoff(leased.Attempt, null).TotalMilliseconds,
                _ => 0,
            };
            settled.Add(new Settled(leased, outcome, due));
            if (outcome is Outcome.Dead dead)
            {
                Log.DeadLettered(logger, destination.Name, leased.Entry.Event, dead.Reason);
            }
        }
        foreach (var kind in outcomes.OfType<Outcome.Retry>().GroupBy(r => r.Kind))
        {
            var first = kind.First();
            if (first.NeverSent)
            {
                Log.NotSent(logger, destination.Name, kind.Count(), WireName<RetryKind>.Of(kind.Key), first.Reason);
            }
            else
            {
                Log.Rescheduled(logger, destination.Name, kind.Count(), WireName<RetryKind>.Of(kind.Key), first.Reason);
            }
        }
        return settled;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // base.StopAsync cancels the stopping token (no more leases) and waits for the loop. Sends in flight finish,
        // unless the shutdown timeout is about to run out: then they are abandoned and released while Redis is still ours.
        var timeout = host.Value.ShutdownTimeout;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _abort.CancelAfter(timeout - (timeout / 2 < ReleaseGrace ? timeout / 2 : ReleaseGrace));
        }
        using (cancellationToken.Register(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort))
        {
            await base.StopAsync(cancellationToken);
        }
    }

    /// <summary>Exponential, jittered, capped; never shorter than the destination's Retry-After.</summary>
    internal TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var o = options.Value;
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 20);
        var delay = Math.Min(o.MaxBackoff.TotalMilliseconds, o.BaseBackoff.TotalMilliseconds * Math.Pow(2, exponent));
        delay *= 0.8 + (Random.Shared.NextDouble() * 0.4);
        var wait = TimeSpan.FromMilliseconds(delay);
        return retryAfter is { } ra && ra > wait ? ra : wait;
    }

    /// <summary>
    /// How long an entry that met an open circuit waits: a jittered Delivery:BaseBackoff, never longer than the circuit
    /// stays open (Delivery:CircuitBreakDuration), never shorter than the destination's Retry-After; whatever its history.
    /// </summary>
    internal TimeSpan CircuitWait(TimeSpan? retryAfter)
    {
        var o = options.Value;
        var delay = Math.Min(o.BaseBackoff.TotalMilliseconds, o.CircuitBreakDuration.TotalMilliseconds);
        delay *= 0.8 + (Random.Shared.NextDouble() * 0.4);
        var wait = TimeSpan.FromMilliseconds(delay);
        return retryAfter is { } ra && ra > wait ? ra : wait;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Outbox worker disabled in this replica (Delivery:WorkerEnabled=false)")]
        public static partial void WorkerDisabled(ILogger logger);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Destination {Destination} has no credentials: disabled, its events are not queued")]
        public static partial void DestinationDisabled(ILogger logger, string destination);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox paused: Redis unavailable ({Kind})")]
        public static partial void StoreUnavailable(ILogger logger, string kind);

        [LoggerMessage(Level = LogLevel.Error, Message = "Outbox round failed; leased entries will be retried after their lease")]
        public static partial void RoundFailed(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Information, Message = "{Count} dead letters older than {Days} days deleted (Delivery:DeadLetterRetentionDays)")]
        public static partial void DeadLettersPurged(ILogger logger, long count, int days);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination}: {Count} events rescheduled with backoff ({Kind}: {Reason})")]
        public static partial void Rescheduled(ILogger logger, string destination, int count, string kind, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination}: {Count} events not sent, due again soon without backoff ({Kind}: {Reason})")]
        public static partial void NotSent(ILogger logger, string destination, int count, string kind, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination}: send abandoned at the shutdown timeout; {Count} events released for another replica")]
        public static partial void Released(ILogger logger, string destination, int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox pass failed and its leased entries could not be settled ({Kind}); they come back when their lease ends")]
        public static partial void AbandonFailed(ILogger logger, string kind);

        [LoggerMessage(Level = LogLevel.Error, Message = "{Destination}: {Event} dead-lettered: {Reason}")]
        public static partial void DeadLettered(ILogger logger, string destination, string @event, string reason);
    }
}
