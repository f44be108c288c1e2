using System.Text.Json;
using StackExchange.Redis;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Delivery;

/// <summary>A leased entry: its id, its payload as stored and parsed (null if unreadable), and its lease count.</summary>
internal sealed record Leased(string Id, string Raw, OutboxEntry? Entry, int Attempt)
{
    public string Destination => OutboxEntry.DestinationOf(Id);
}

/// <summary>What the worker decided for one leased entry.</summary>
internal abstract record Settlement(string Id)
{
    public sealed record Done(string Id) : Settlement(Id);
    public sealed record Retry(string Id, long DueAt) : Settlement(Id);
    public sealed record Dead(string Id, string Letter) : Settlement(Id);
}

/// <summary>
/// The outbox, per partition: <c>due</c> (sorted set: entry id by due time, ms), <c>items</c> (hash: id → entry),
/// <c>tries</c> (hash: id → lease count) and <c>dead</c> (hash: id → dead letter). Leasing pushes an entry's due
/// time past the lease, so no other worker sees it until the lease ends; settling only touches entries whose
/// due time is still our lease (a worker that outlived its lease changes nothing).
/// </summary>
internal sealed class OutboxStore(IDatabase db)
{
    private const string LeaseScript = """
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
        local out = {}
        for _, id in ipairs(ids) do
          redis.call('ZADD', KEYS[1], ARGV[2], id)
          out[#out + 1] = id
          out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
          out[#out + 1] = redis.call('HINCRBY', KEYS[3], id, 1)
        end
        return out
        """;

    // ARGV: lease, #done, #retry, #dead, done ids..., retry (id, due) pairs..., dead (id, letter) pairs...
    private const string SettleScript = """
        local lease = tonumber(ARGV[1])
        local nd, nr, nx = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
        local function owned(id) return tonumber(redis.call('ZSCORE', KEYS[1], id)) == lease end
        local function forget(id)
          redis.call('ZREM', KEYS[1], id)
          redis.call('HDEL', KEYS[2], id)
          redis.call('HDEL', KEYS[3], id)
        end
        local i = 5
        for _ = 1, nd do
          if owned(ARGV[i]) then forget(ARGV[i]) end
          i = i + 1
        end
        for _ = 1, nr do
          if owned(ARGV[i]) then redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i]) end
          i = i + 2
        end
        for _ = 1, nx do
          if owned(ARGV[i]) then
            redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
            forget(ARGV[i])
          end
          i = i + 2
        end
        return 1
        """;

    private const string ReplayScript = """
        local dead = redis.call('HGETALL', KEYS[4])
        local n = 0
        for i = 1, #dead, 2 do
          local id, letter = dead[i], dead[i + 1]
          if ARGV[2] == '' or string.find(ARGV[2], '\n' .. id .. '\n', 1, true) then
            local entry = string.match(letter, '^(.-)\n')
            redis.call('HSET', KEYS[2], id, entry)
            redis.call('ZADD', KEYS[1], ARGV[1], id)
            redis.call('HDEL', KEYS[3], id)
            redis.call('HDEL', KEYS[4], id)
            n = n + 1
          end
        end
        return n
        """;

    private static RedisKey[] KeysOf(int partition)
    {
        var tag = Partitions.Tags[partition];
        return [Keys.OutboxDue(tag), Keys.OutboxItems(tag), Keys.OutboxTries(tag), Keys.OutboxDead(tag)];
    }

    public async Task<IReadOnlyList<Leased>> LeaseAsync(int partition, long now, long leaseUntil, int count)
    {
        var raw = (RedisResult[])(await db.ScriptEvaluateAsync(LeaseScript, KeysOf(partition)[..3], [now, leaseUntil, count]))!;
        var leased = new List<Leased>(raw.Length / 3);
        for (var i = 0; i < raw.Length; i += 3)
        {
            var json = (string?)raw[i + 1] ?? "";
            leased.Add(new Leased((string)raw[i]!, json, Parse(json), (int)raw[i + 2]));
        }
        return leased;
    }

    public async Task SettleAsync(int partition, long lease, IReadOnlyCollection<Settlement> settlements)
    {
        var done = settlements.OfType<Settlement.Done>().ToList();
        var retry = settlements.OfType<Settlement.Retry>().ToList();
        var dead = settlements.OfType<Settlement.Dead>().ToList();
        var args = new List<RedisValue>(4 + done.Count + retry.Count * 2 + dead.Count * 2) { lease, done.Count, retry.Count, dead.Count };
        args.AddRange(done.Select(d => (RedisValue)d.Id));
        foreach (var r in retry)
        {
            args.Add(r.Id);
            args.Add(r.DueAt);
        }
        foreach (var d in dead)
        {
            args.Add(d.Id);
            args.Add(d.Letter);
        }
        await db.ScriptEvaluateAsync(SettleScript, KeysOf(partition), [.. args]);
    }

    /// <summary>Requeues dead letters (all, or the given ids) of every partition; returns how many.</summary>
    public async Task<long> ReplayAsync(long now, IReadOnlyCollection<string>? ids)
    {
        var filter = ids is { Count: > 0 } ? "\n" + string.Join('\n', ids) + "\n" : "";
        var runs = Enumerable.Range(0, Partitions.Count)
            .Select(p => db.ScriptEvaluateAsync(ReplayScript, KeysOf(p), [now, filter]));
        var counts = await Task.WhenAll(runs);
        return counts.Sum(c => (long)c);
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

    public async Task<IReadOnlyList<(string Id, string Value)>> ListAsync(bool dead, int limit)
    {
        var found = new List<(string, string)>();
        foreach (var tag in Partitions.Tags)
        {
            if (found.Count >= limit)
            {
                break;
            }
            if (dead)
            {
                await foreach (var e in db.HashScanAsync(Keys.OutboxDead(tag), pageSize: 100))
                {
                    found.Add((e.Name!, e.Value!));
                    if (found.Count >= limit)
                    {
                        break;
                    }
                }
            }
            else
            {
                var ids = await db.SortedSetRangeByRankAsync(Keys.OutboxDue(tag), 0, limit - found.Count - 1);
                var values = ids.Length == 0 ? [] : await db.HashGetAsync(Keys.OutboxItems(tag), ids);
                found.AddRange(ids.Zip(values, (id, v) => ((string)id!, (string?)v ?? "")));
            }
        }
        return found;
    }

    /// <summary>Dead letters are stored as "entry json \n reason json" so replay can restore the entry byte for byte.</summary>
    public static string Letter(string entryJson, string reason, long now, int attempts) =>
        entryJson + "\n" + JsonSerializer.Serialize(new DeadReason(reason, now, attempts), AppJson.Default.DeadReason);

    public static string Serialize(OutboxEntry entry) => JsonSerializer.Serialize(entry, AppJson.Default.OutboxEntry);

    private static OutboxEntry? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(json, AppJson.Default.OutboxEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record DeadReason(string Reason, long DeadAt, int Attempts);
