using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>A session to create: its hash fields plus the request context kept beside it.</summary>
internal sealed record NewSession(string SessionId, string VisitorId, List<KeyValuePair<string, string>> Fields, string TouchJson, string Ip, string UserAgent);

/// <summary>A visit to an existing session.</summary>
internal sealed record SessionVisit(
    string SessionId, List<KeyValuePair<string, string>> Fields, string[] Cleared, string? TouchJson, string? Fbclid, long Now, string Ip, string UserAgent);

/// <summary>Session writes: each is one Lua script (one round trip, atomic), all keys on the session's slot.</summary>
internal sealed class SessionStore(IDatabase db)
{
    // KEYS: sess, touches, client, aggregate, aggregate keys.
    private static readonly string CreateScript = Aggregates.LuaFunction + """
        local unpack = unpack or table.unpack
        local ttl = tonumber(ARGV[1])
        redis.call('HSET', KEYS[1], unpack(ARGV, 5))
        agg(KEYS[4], KEYS[5], KEYS[1], 'sessions')
        agg(KEYS[4], KEYS[5], KEYS[1], 'touches')
        redis.call('RPUSH', KEYS[2], ARGV[2])
        if ARGV[3] ~= '' then redis.call('HSET', KEYS[3], 'ip', ARGV[3]) end
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], 'ua', ARGV[4]) end
        for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ttl) end
        return 1
        """;

    // KEYS: sess, events, seen, touches, client, aggregate, aggregate keys.
    // ARGV: ttl, touch json, ip, ua, fbclid, now, cleared count, cleared fields..., field/value pairs...
    private static readonly string TouchScript = Aggregates.LuaFunction + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        local unpack = unpack or table.unpack
        local ttl = tonumber(ARGV[1])
        if ARGV[5] ~= '' and redis.call('HGET', KEYS[1], 'fbclid') ~= ARGV[5] then
          redis.call('HSET', KEYS[1], 'fbclid', ARGV[5], 'fbclid_first_seen', ARGV[6])
        end
        local cleared = tonumber(ARGV[7])
        if cleared > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, 8, 7 + cleared)) end
        if #ARGV > 7 + cleared then redis.call('HSET', KEYS[1], unpack(ARGV, 8 + cleared)) end
        if ARGV[2] ~= '' then
          redis.call('RPUSH', KEYS[4], ARGV[2])
          agg(KEYS[6], KEYS[7], KEYS[1], 'touches')
        end
        if ARGV[3] ~= '' then redis.call('HSET', KEYS[5], 'ip', ARGV[3]) end
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[5], 'ua', ARGV[4]) end
        for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ttl) end
        return redis.call('HGET', KEYS[1], 'visitor_id') or ''
        """;

    private static readonly TimeSpan VisitorMemory = TimeSpan.FromDays(400);

    /// <summary>Counts this visit for the visitor (a separate slot, so a separate command) and returns the count.</summary>
    public async Task<long> CountVisitAsync(string visitorId)
    {
        var key = Keys.Visitor(visitorId);
        var batch = db.CreateBatch();
        var count = batch.StringIncrementAsync(key);
        var expire = batch.KeyExpireAsync(key, VisitorMemory);
        batch.Execute();
        await Task.WhenAll(count, expire);
        return await count;
    }

    public async Task CreateAsync(NewSession session, TimeSpan ttl, string day)
    {
        var id = session.SessionId;
        var tag = Partitions.TagOf(id);
        var args = new List<RedisValue>(4 + session.Fields.Count * 2)
        {
            (long)ttl.TotalSeconds, session.TouchJson, session.Ip, session.UserAgent,
        };
        AddPairs(args, session.Fields);
        await db.ScriptEvaluateAsync(
            CreateScript, [Keys.Session(id), Keys.Touches(id), Keys.Client(id), Keys.Aggregate(tag, day), Keys.AggregateKeys(tag, day)], [.. args]);
    }

    /// <summary>Touches a live session and returns its visitor id; null when it does not exist (unknown or expired).</summary>
    public async Task<string?> TouchAsync(SessionVisit visit, TimeSpan ttl, string day)
    {
        var id = visit.SessionId;
        var tag = Partitions.TagOf(id);
        var args = new List<RedisValue>(8 + visit.Cleared.Length + visit.Fields.Count * 2)
        {
            (long)ttl.TotalSeconds, visit.TouchJson ?? "", visit.Ip, visit.UserAgent, visit.Fbclid ?? "", visit.Now, visit.Cleared.Length,
        };
        args.AddRange(visit.Cleared.Select(f => (RedisValue)f));
        AddPairs(args, visit.Fields);
        var result = await db.ScriptEvaluateAsync(
            TouchScript,
            [Keys.Session(id), Keys.Events(id), Keys.Seen(id), Keys.Touches(id), Keys.Client(id), Keys.Aggregate(tag, day), Keys.AggregateKeys(tag, day)],
            [.. args]);
        return result.IsNull ? null : result.ToString();
    }

    public async Task<(HashEntry[] Attributes, RedisValue[] Events)?> ReadAsync(string id)
    {
        var batch = db.CreateBatch();
        var attributes = batch.HashGetAllAsync(Keys.Session(id));
        var events = batch.SortedSetRangeByRankAsync(Keys.Events(id));
        batch.Execute();
        await Task.WhenAll(attributes, events);
        var hash = await attributes;
        return hash.Length == 0 ? null : (hash, await events);
    }

    private static void AddPairs(List<RedisValue> args, List<KeyValuePair<string, string>> fields)
    {
        foreach (var (field, value) in fields)
        {
            args.Add(field);
            args.Add(value);
        }
    }
}
