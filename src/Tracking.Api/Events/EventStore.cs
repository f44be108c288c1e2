using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>Stores a request's events in one atomic Lua script: dedup, sorted set, session updates, TTLs.</summary>
internal sealed class EventStore(IDatabase db)
{
    private const int ArgsPerEvent = 7;

    // KEYS: sess, events, seen, touches, client. ARGV: ttl, count, then per event:
    // eventId, milestone, score, member, contentViewed, completionField, completionValue.
    // Returns {accepted, duplicates}, or {-1, 0} when the session does not exist.
    private const string Script = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0} end
        local accepted, duplicates = 0, 0
        for i = 0, tonumber(ARGV[2]) - 1 do
          local b = 3 + i * 7
          local milestone = ARGV[b + 1]
          local fresh = milestone == '' or redis.call('SISMEMBER', KEYS[3], 'm:' .. milestone) == 0
          fresh = fresh and redis.call('SADD', KEYS[3], 'e:' .. ARGV[b]) == 1
          if fresh then
            accepted = accepted + 1
            if milestone ~= '' then redis.call('SADD', KEYS[3], 'm:' .. milestone) end
            redis.call('ZADD', KEYS[2], ARGV[b + 2], ARGV[b + 3])
            if ARGV[b + 4] ~= '' then redis.call('HSET', KEYS[1], 'content_viewed', ARGV[b + 4]) end
            if ARGV[b + 5] ~= '' then
              local value = tonumber(ARGV[b + 6])
              if value > (tonumber(redis.call('HGET', KEYS[1], ARGV[b + 5])) or 0) then
                redis.call('HSET', KEYS[1], ARGV[b + 5], value)
              end
            end
          else
            duplicates = duplicates + 1
          end
        end
        local ttl = tonumber(ARGV[1])
        for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ttl) end
        return {accepted, duplicates}
        """;

    public async Task<(int Accepted, int Duplicates)?> AppendAsync(string sessionId, IReadOnlyList<TrackedEvent> events, TimeSpan ttl)
    {
        var args = new RedisValue[2 + events.Count * ArgsPerEvent];
        args[0] = (long)ttl.TotalSeconds;
        args[1] = events.Count;
        var i = 2;
        for (var n = 0; n < events.Count; n++)
        {
            var e = events[n];
            args[i++] = e.EventId;
            args[i++] = e.Milestone ?? "";
            // Events of one batch sharing a millisecond keep their posted order (a hundredth of a ms apart).
            args[i++] = e.Timestamp + (n / 100.0);
            args[i++] = e.Member;
            args[i++] = e.ContentViewed ?? "";
            args[i++] = e.CompletionField ?? "";
            args[i++] = e.CompletionValue;
        }
        var keys = new RedisKey[]
        {
            Keys.Session(sessionId), Keys.Events(sessionId), Keys.Seen(sessionId), Keys.Touches(sessionId), Keys.Client(sessionId),
        };
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(Script, keys, args))!;
        var accepted = (int)result[0];
        return accepted < 0 ? null : (accepted, (int)result[1]);
    }
}
