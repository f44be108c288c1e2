using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Delivery;

/// <summary>A leased entry: its id, its payload as stored, parsed (null if unreadable or gone), and its lease count.</summary>
internal sealed record Leased(string Id, OutboxEntry? Entry, int Attempt)
{
    public string Destination => OutboxId.DestinationOf(Id);
}

/// <summary>What to do with one leased entry: its outcome and, for a retry, when it is due again (ms).</summary>
internal readonly record struct Settled(Leased Entry, Outcome Outcome, long DueAt = 0);

/// <summary>Why an entry was dead-lettered (the <c>outbox:{p}:dead:reasons</c> value).</summary>
internal sealed record DeadReason(string Reason, long DeadAt, int Attempts);

/// <summary>A listed entry: pending ones have no reason.</summary>
internal sealed record StoredEntry(string Id, string Entry, DeadReason? Reason);

/// <summary>
/// The outbox, per partition: <c>due</c> (sorted set: entry id by due time, ms), <c>items</c> (hash: an event's entry,
/// once for all its destinations, under <see cref="OutboxId.ItemOf"/>, and how many destinations still need it),
/// <c>tries</c> (hash: id → lease count, given back when the entry never reached the destination), <c>dead</c> (hash: id → entry, byte for byte) and <c>dead:reasons</c>
/// (hash: id → <see cref="DeadReason"/>). Leasing pushes an entry's due time past the lease, so no other worker
/// sees it until the lease ends.
/// </summary>
internal sealed class OutboxStore(IDatabase db, Microsoft.Extensions.Options.IOptions<DeliveryOptions> options)
{
    private static readonly ScriptLayout LeaseLayout = new(["due", "items", "tries"], ["now", "lease", "count"]);
    private static readonly RedisScript Lease = RedisScript.Load("lease.lua", LeaseLayout, acknowledged: false);

    private static readonly ScriptLayout SettleLayout = new(
        ["due", "items", "tries", "dead", "reasons"], ["lease", "dead_ttl"],
        new ScriptList("done", "id"), new ScriptList("retry", "id", "due"), new ScriptList("release", "id", "due"),
        new ScriptList("dead", "id", "reason"));
    private static readonly RedisScript Settle = RedisScript.Load("settle.lua", SettleLayout, acknowledged: false);

    private static readonly ScriptLayout ReplayLayout = new(["due", "items", "tries", "dead", "reasons"], ["now", "all"], new ScriptList("ids", "id"));
    private static readonly RedisScript Replay = RedisScript.Load("replay.lua", ReplayLayout, acknowledged: false);

    private static ScriptCall Partition(ScriptLayout layout, int partition, bool withDead, int capacity = 16)
    {
        var tag = Partitions.Tags[partition];
        var call = new ScriptCall(layout, capacity)
            .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag)).Key("tries", Keys.OutboxTries(tag));
        return withDead ? call.Key("dead", Keys.OutboxDead(tag)).Key("reasons", Keys.OutboxDeadReasons(tag)) : call;
    }

    public async Task<IReadOnlyList<Leased>> LeaseAsync(int partition, long now, long leaseUntil, int count)
    {
        var call = Partition(LeaseLayout, partition, withDead: false).Arg("now", now).Arg("lease", leaseUntil).Arg("count", count);
        var answer = ScriptResult.From(await Lease.RunAsync(db, call));
        var ids = answer.Array("ids");
        var leases = answer.Array("leases");
        var entries = answer.Array("entries");
        var leased = new List<Leased>(ids.Length);
        // An event's destinations share one stored entry: the script returns it once, and it is parsed once.
        var byItem = new Dictionary<string, OutboxEntry?>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            var id = (string)ids[i]!;
            var item = OutboxId.ItemOf(id);
            if (!byItem.TryGetValue(item, out var entry))
            {
                byItem[item] = entry = Parse((byte[]?)entries[i]);
            }
            leased.Add(new Leased(id, entry, (int)leases[i]));
        }
        return leased;
    }

    public async Task SettleAsync(int partition, long lease, IReadOnlyCollection<Settled> settled, long now)
    {
        var call = Partition(SettleLayout, partition, withDead: true, 8 + (settled.Count * 2)).Arg("lease", lease)
            .Arg("dead_ttl", (long)options.Value.DeadLetterRetention.TotalSeconds);
        call.List("done");
        foreach (var s in settled.Where(s => s.Outcome is Outcome.Sent or Outcome.Skipped))
        {
            call.Arg("id", s.Entry.Id);
        }
        call.List("retry");
        foreach (var s in settled.Where(s => s.Outcome is Outcome.Held || s.Outcome is Outcome.Retry { NeverSent: false }))
        {
            call.Arg("id", s.Entry.Id).Arg("due", s.DueAt);
        }
        call.List("release");
        foreach (var s in settled.Where(s => s.Outcome is Outcome.Retry { NeverSent: true }))
        {
            call.Arg("id", s.Entry.Id).Arg("due", s.DueAt);
        }
        call.List("dead");
        foreach (var s in settled.Where(s => s.Outcome is Outcome.Dead))
        {
            var reason = JsonSerializer.Serialize(new DeadReason(s.Outcome.Reason, now, s.Entry.Attempt), DeliveryJson.Default.DeadReason);
            call.Arg("id", s.Entry.Id).Arg("reason", reason);
        }
        await Settle.RunAsync(db, call);
    }

    /// <summary>Requeues dead letters (all, or the given ids) of every partition; returns how many.</summary>
    public async Task<long> ReplayAsync(long now, IReadOnlyCollection<string>? ids)
    {
        var all = ids is not { Count: > 0 };
        var runs = Enumerable.Range(0, Partitions.Count).Select(p =>
        {
            var call = Partition(ReplayLayout, p, withDead: true).Arg("now", now).Arg("all", all ? "1" : "0").List("ids");
            foreach (var id in ids ?? [])
            {
                call.Arg("id", id);
            }
            return Replay.RunAsync(db, call);
        });
        var counts = await Task.WhenAll(runs);
        return counts.Sum(c => ScriptResult.From(c).Long("requeued"));
    }

    /// <summary>Deletes the dead letters that died before <paramref name="cutoff"/> (ms); returns how many.</summary>
    public async Task<long> PurgeDeadAsync(long cutoff)
    {
        long purged = 0;
        foreach (var tag in Partitions.Tags)
        {
            var old = new List<RedisValue>();
            await foreach (var r in db.HashScanAsync(Keys.OutboxDeadReasons(tag), pageSize: 500))
            {
                if ((ParseReason(r.Value)?.DeadAt ?? 0) < cutoff)
                {
                    old.Add(r.Name);
                }
            }
            if (old.Count > 0)
            {
                var ids = old.ToArray();
                var batch = db.CreateBatch();
                var dead = batch.HashDeleteAsync(Keys.OutboxDead(tag), ids);
                var reasons = batch.HashDeleteAsync(Keys.OutboxDeadReasons(tag), ids);
                batch.Execute();
                purged += await dead;
                await reasons;
            }
        }
        return purged;
    }

    /// <summary>The partitions whose earliest entry is due by <paramref name="now"/> (ms).</summary>
    public async Task<IReadOnlyList<int>> DuePartitionsAsync(long now)
    {
        var batch = db.CreateBatch();
        var heads = Partitions.Tags.Select(tag => batch.SortedSetRangeByRankWithScoresAsync(Keys.OutboxDue(tag), 0, 0)).ToList();
        batch.Execute();
        await Task.WhenAll(heads);
        return Enumerable.Range(0, heads.Count).Where(p => heads[p].Result is [{ } first] && first.Score <= now).ToList();
    }

    public Task<TimeSpan> PingAsync() => db.PingAsync();

    /// <summary>Dead letters across every partition.</summary>
    public async Task<long> DeadCountAsync()
    {
        var batch = db.CreateBatch();
        var counts = Partitions.Tags.Select(tag => batch.HashLengthAsync(Keys.OutboxDead(tag))).ToList();
        batch.Execute();
        return (await Task.WhenAll(counts)).Sum();
    }

    public async Task<(long Depth, long? OldestDue)> DepthAsync()
    {
        var batch = db.CreateBatch();
        var cards = new List<Task<long>>();
        var firsts = new List<Task<SortedSetEntry[]>>();
        foreach (var tag in Partitions.Tags)
        {
            cards.Add(batch.SortedSetLengthAsync(Keys.OutboxDue(tag)));
            firsts.Add(batch.SortedSetRangeByRankWithScoresAsync(Keys.OutboxDue(tag), 0, 0));
        }
        batch.Execute();
        await Task.WhenAll(cards.Cast<Task>().Concat(firsts));
        var oldest = firsts.SelectMany(f => f.Result).Select(e => (long?)e.Score).Min();
        return (cards.Sum(c => c.Result), oldest);
    }

    public async Task<IReadOnlyList<StoredEntry>> ListAsync(DeliveryState state, int limit)
    {
        var found = new List<StoredEntry>();
        foreach (var tag in Partitions.Tags)
        {
            if (found.Count >= limit)
            {
                break;
            }
            if (state == DeliveryState.Dead)
            {
                var page = new List<HashEntry>();
                await foreach (var e in db.HashScanAsync(Keys.OutboxDead(tag), pageSize: 100))
                {
                    page.Add(e);
                    if (found.Count + page.Count >= limit)
                    {
                        break;
                    }
                }
                var reasons = page.Count == 0 ? [] : await db.HashGetAsync(Keys.OutboxDeadReasons(tag), page.Select(e => e.Name).ToArray());
                found.AddRange(page.Zip(reasons, (e, r) => new StoredEntry(e.Name!, e.Value!, ParseReason(r))));
            }
            else
            {
                var ids = await db.SortedSetRangeByRankAsync(Keys.OutboxDue(tag), 0, limit - found.Count - 1);
                found.AddRange(await PendingAsync(tag, ids.Select(id => (string)id!).ToList()));
            }
        }
        return found;
    }

    /// <summary>Pending ids of one partition with their entries (shared by an event's destinations).</summary>
    public async Task<IReadOnlyList<StoredEntry>> PendingAsync(string tag, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var values = await db.HashGetAsync(Keys.OutboxItems(tag), ids.Select(id => (RedisValue)OutboxId.ItemOf(id)).ToArray());
        return ids.Zip(values, (id, value) => new StoredEntry(id, (string?)value ?? "", null)).ToList();
    }

    private static OutboxEntry? Parse(byte[]? json)
    {
        if (json is not { Length: > 0 })
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(json, DeliveryJson.Default.OutboxEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DeadReason? ParseReason(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize((string)value!, DeliveryJson.Default.DeadReason);
        }
        catch (JsonException)
        {
            return new DeadReason((string)value!, 0, 0);
        }
    }
}

/// <summary>The two listable states of an outbox entry (<c>GET /ops/deliveries?state=</c>).</summary>
internal enum DeliveryState
{
    Pending,
    Dead,
}
