using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>An event to store plus its outbox entry and the destinations it goes to ("meta,posthog", or "").</summary>
internal sealed record EventWrite(TrackedEvent Event, string OutboxEntry, string Destinations);

/// <summary>
/// Stores a request's events in one atomic Lua script: dedup, sorted set, session updates, TTLs, and the outbox
/// entries of the session's partition (same slot), so an event is never stored without its delivery, or the reverse.
/// </summary>
internal sealed class EventStore(IDatabase db)
{
    private const int ArgsPerEvent = 9;

    // KEYS: sess, events, seen, touches, client, outbox due, outbox items, aggregate, aggregate keys. ARGV: ttl, count, now, session id, then
    // per event: eventId, milestone, score, member, contentViewed, completionField, completionValue, entry, destinations.
    // Returns {accepted, duplicates}, or {-1, 0} when the session does not exist.
    private static readonly string Script = Aggregates.LuaFunction + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0} end
        local accepted, duplicates = 0, 0
        for i = 0, tonumber(ARGV[2]) - 1 do
          local b = 5 + i * 9
          local milestone = ARGV[b + 1]
          local fresh = milestone == '' or redis.call('SISMEMBER', KEYS[3], 'm:' .. milestone) == 0
          fresh = fresh and redis.call('SADD', KEYS[3], 'e:' .. ARGV[b]) == 1
          if fresh then
            accepted = accepted + 1
            if milestone ~= '' then redis.call('SADD', KEYS[3], 'm:' .. milestone) end
            redis.call('ZADD', KEYS[2], ARGV[b + 2], ARGV[b + 3])
            if ARGV[b + 4] ~= '' then
              redis.call('HSET', KEYS[1], 'content_viewed', ARGV[b + 4])
              if redis.call('SADD', KEYS[3], 'f:content') == 1 then agg(KEYS[8], KEYS[9], KEYS[1], 'content_views') end
            end
            if ARGV[b + 5] ~= '' then
              if redis.call('SADD', KEYS[3], 'f:video_' .. ARGV[b + 6]) == 1 then agg(KEYS[8], KEYS[9], KEYS[1], 'video_' .. ARGV[b + 6]) end
              local value = tonumber(ARGV[b + 6])
              if value > (tonumber(redis.call('HGET', KEYS[1], ARGV[b + 5])) or 0) then
                redis.call('HSET', KEYS[1], ARGV[b + 5], value)
              end
            end
            for dest in string.gmatch(ARGV[b + 8], '[^,]+') do
              local id = dest .. ':' .. ARGV[4] .. ':' .. ARGV[b]
              redis.call('HSET', KEYS[7], id, ARGV[b + 7])
              redis.call('ZADD', KEYS[6], ARGV[3], id)
            end
          else
            duplicates = duplicates + 1
          end
        end
        -- The session, its events and its dedup set live and die together; touches and client data are
        -- refreshed by POST /session, which the snippet calls on every page load.
        local ttl = tonumber(ARGV[1])
        for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ttl) end
        return {accepted, duplicates}
        """;

    public async Task<(int Accepted, int Duplicates)?> AppendAsync(string sessionId, IReadOnlyList<EventWrite> writes, TimeSpan ttl, long now)
    {
        var args = new RedisValue[4 + writes.Count * ArgsPerEvent];
        args[0] = (long)ttl.TotalSeconds;
        args[1] = writes.Count;
        args[2] = now;
        args[3] = sessionId;
        var i = 4;
        for (var n = 0; n < writes.Count; n++)
        {
            var e = writes[n].Event;
            args[i++] = e.EventId;
            args[i++] = e.Milestone ?? "";
            // Events of one batch sharing a millisecond keep their posted order (a hundredth of a ms apart).
            args[i++] = e.Timestamp + (n / 100.0);
            args[i++] = e.Member;
            args[i++] = e.ContentViewed ?? "";
            args[i++] = e.CompletionField ?? "";
            args[i++] = e.CompletionValue;
            args[i++] = writes[n].OutboxEntry;
            args[i++] = writes[n].Destinations;
        }
        var tag = Partitions.TagOf(sessionId);
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(now));
        var keys = new RedisKey[]
        {
            Keys.Session(sessionId), Keys.Events(sessionId), Keys.Seen(sessionId), Keys.Touches(sessionId), Keys.Client(sessionId),
            Keys.OutboxDue(tag), Keys.OutboxItems(tag), Keys.Aggregate(tag, day), Keys.AggregateKeys(tag, day),
        };
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(Script, keys, args))!;
        var accepted = (int)result[0];
        return accepted < 0 ? null : (accepted, (int)result[1]);
    }
}
