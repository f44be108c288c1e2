using Microsoft.Extensions.Options;

namespace Tracking.Delivery;

/// <summary>
/// One pass over the outbox: leases the due partitions a few at a time (<see cref="DeliveryOptions.Parallelism"/> in
/// parallel) and sends each destination full requests (Delivery:BatchSize events) across partitions as they fill
/// (<see cref="DrainPass"/>); what is left below a full request goes at the end of the pass. Each partition is
/// settled with its own entries as soon as all of them have an outcome.
/// </summary>
internal sealed class OutboxDrainer(
    OutboxStore store,
    SessionSnapshots snapshots,
    IEnumerable<IDestination> destinations,
    DestinationSender sender,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    DeliveryMetrics metrics,
    ILogger<OutboxWorker> logger)
{
    private readonly Dictionary<string, IDestination> _destinations = destinations.ToDictionary(d => d.Name, StringComparer.Ordinal);

    // Entries of all destinations share a partition: lease enough that each destination can fill a request.
    private int LeaseSize => options.Value.BatchSize * Math.Max(1, _destinations.Values.Count(d => d.Enabled));

    /// <summary>Returns how many partitions had a full batch (more is waiting).</summary>
    /// <param name="cancellationToken">Abandons sends in flight (their entries are released).</param>
    /// <param name="stopping">Leases no further partition; what is leased is still sent and settled.</param>
    public async Task<int> DrainAllOnceAsync(CancellationToken cancellationToken, CancellationToken stopping)
    {
        var full = 0;
        // One pipelined read of each partition's earliest due time, so an idle outbox costs 256 cheap reads a
        // poll instead of 256 lease scripts.
        var due = await store.DuePartitionsAsync(Now());
        var pass = new DrainPass(options.Value.BatchSize);
        var chunks = due.Chunk(options.Value.Parallelism).ToList();
        // The next partitions are leased while the current ones are sent, so Redis's work and the service's overlap.
        Task<PassPartition[]>? next = chunks.Count > 0 && !stopping.IsCancellationRequested ? LeaseAllAsync(chunks[0]) : null;
        try
        {
            for (var i = 0; next is not null; i++)
            {
                var leased = (await next).Where(l => l.Entries.Count > 0).ToList();
                next = i + 1 < chunks.Count && !stopping.IsCancellationRequested ? LeaseAllAsync(chunks[i + 1]) : null;
                full += leased.Count(l => l.Entries.Count >= LeaseSize);
                AddToPass(pass, leased);
                // Entries carried to the next partitions' requests do not wait past about half their lease.
                var carriedTooLong = pass.OldestLease is { } oldest && Now() - oldest > options.Value.Lease.TotalMilliseconds / 2;
                await SendAndSettleAsync(pass, all: carriedTooLong, cancellationToken);
            }
            await SendAndSettleAsync(pass, all: true, cancellationToken);
        }
        catch (Exception)
        {
            // A lease still in flight is given back with the rest of the pass.
            if (next is not null && await LeasedOrNoneAsync(next) is { } late)
            {
                AddToPass(pass, late);
            }
            if (!pass.IsEmpty)
            {
                await AbandonAsync(pass);
            }
            throw;
        }
        return full;
    }

    private Task<PassPartition[]> LeaseAllAsync(int[] partitions) => Task.WhenAll(partitions.Select(LeaseAsync));

    private static async Task<List<PassPartition>?> LeasedOrNoneAsync(Task<PassPartition[]> lease)
    {
        try
        {
            return (await lease).Where(l => l.Entries.Count > 0).ToList();
        }
        catch (Exception)
        {
            // Redis failed the lease: its entries, if any were leased, come back when the lease ends.
            return null;
        }
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// A pass that failed midway (Redis timing out, say): what was sent is settled, so it is not sent again when its
    /// lease ends, and what was not sent is given back due at once (not a failed attempt). Best effort: if Redis
    /// is what failed, the leases end by themselves.
    /// </summary>
    private async Task AbandonAsync(DrainPass pass)
    {
        var now = Now();
        var release = new Outcome.Retry("released: the worker's pass failed before sending it", RetryKind.Released);
        try
        {
            await Task.WhenAll(pass.TakeAll(e => new Settled(e, release, now))
                .Select(p => store.SettleAsync(p.Partition, p.Lease, p.Done.Values.ToList(), now)));
        }
        catch (Exception ex)
        {
            OutboxWorkerLog.AbandonFailed(logger, ex.GetType().Name);
        }
    }

    private async Task<PassPartition> LeaseAsync(int partition)
    {
        var now = Now();
        var lease = now + (long)options.Value.Lease.TotalMilliseconds;
        return new PassPartition(partition, now, lease, await store.LeaseAsync(partition, now, lease, LeaseSize));
    }

    /// <summary>Files leased entries under their destinations (unreadable ones are dead at once).</summary>
    private void AddToPass(DrainPass pass, IReadOnlyList<PassPartition> partitions)
    {
        var now = Now();
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
            OutboxWorkerLog.DeadLettered(logger, entry.Destination, "(unreadable)", "unreadable entry or unknown destination");
            var dead = new Outcome.Dead("unreadable entry or unknown destination", DeadKind.Unreadable);
            metrics.Record(_destinations.ContainsKey(entry.Destination) ? entry.Destination : "unknown", dead, 0, now);
            pass.Record(new Settled(entry, dead));
        }
    }

    private async Task SendAndSettleAsync(DrainPass pass, bool all, CancellationToken cancellationToken)
    {
        var now = Now();
        var requests = pass.Take(all);
        // Sessions are read just before the send, so consent changes and erasures since the lease still apply.
        var sessions = requests.Count == 0 ? null
            : await snapshots.ReadAsync(requests.SelectMany(r => r.Entries).Select(l => l.Entry!.SessionId));
        // Destinations in parallel, each one's requests in turn.
        var sending = requests.GroupBy(r => r.Destination).Select(async byDestination =>
        {
            var settled = new List<Settled>();
            foreach (var (destination, entries) in byDestination)
            {
                settled.AddRange(await sender.SendAsync(_destinations[destination], entries, sessions!, now, cancellationToken));
            }
            return settled;
        }).ToList();
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
}
