using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>A checkout or conversion to record, with its event member and outbox entry.</summary>
internal sealed record DonationWrite(string SessionId, string EventId, long Timestamp, string Member, string OutboxEntry, string Destinations);

/// <summary>Donation writes: one Lua script each, on the session's slot (session, events, outbox, Stripe ledger).</summary>
internal sealed class DonationStore(IDatabase db)
{
    // KEYS: sess, events, seen, outbox due, outbox items, aggregate, aggregate keys. ARGV: ttl, now, session, event id, score, member,
    // amount, currency, checkout id, entry, destinations. Returns 0 (no session), 1 (recorded), 2 (already recorded).
    private static readonly string InitiateScript = Aggregates.LuaFunction + """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if redis.call('SADD', KEYS[3], 'e:' .. ARGV[4]) == 0 then return 2 end
        redis.call('HSET', KEYS[1], 'donation_initiated', 'true', 'donation_amount', ARGV[7], 'donation_currency', ARGV[8], 'checkout_session_id', ARGV[9])
        redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
        if redis.call('SADD', KEYS[3], 'f:checkout') == 1 then agg(KEYS[6], KEYS[7], KEYS[1], 'checkouts') end
        for dest in string.gmatch(ARGV[11], '[^,]+') do
          local id = dest .. ':' .. ARGV[3] .. ':' .. ARGV[4]
          redis.call('HSET', KEYS[5], id, ARGV[10])
          redis.call('ZADD', KEYS[4], ARGV[2], id)
        end
        for i = 1, 3 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[1])) end
        return 1
        """;

    // KEYS: sess, events, seen, outbox due, outbox items, stripe ledger, conversions of the day, touches.
    // ARGV: stripe event id, checkout id, kind (convert|failed|expired), time ms, amount, currency, checkout type, member,
    // entry, destinations, ledger ttl, session, now, conversion record (JSON without its closing brace).
    // The conversion keeps the session's touch path, so attribution models can be recomputed after it expires.
    private const string StripeScript = """
        if redis.call('HSETNX', KEYS[6], 'evt:' .. ARGV[1], ARGV[3]) == 0 then return 'duplicate-event' end
        redis.call('EXPIRE', KEYS[6], tonumber(ARGV[11]))
        local live = redis.call('EXISTS', KEYS[1]) == 1
        if ARGV[3] ~= 'convert' then
          if live then
            redis.call('HSET', KEYS[1], 'donation_status', ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[4], ARGV[8])
          end
          return 'recorded-' .. ARGV[3]
        end
        if redis.call('HSETNX', KEYS[6], 'cs:' .. ARGV[2], ARGV[1]) == 0 then return 'already-converted' end
        if live then
          redis.call('HSET', KEYS[1], 'donation_completed', 'true', 'donation_status', 'paid', 'donation_amount', ARGV[5],
            'donation_currency', ARGV[6], 'checkout_type', ARGV[7], 'converted_at', ARGV[4])
          local first = tonumber(redis.call('HGET', KEYS[1], 'first_touch_timestamp'))
          if first then redis.call('HSET', KEYS[1], 'time_to_conversion', math.max(0, tonumber(ARGV[4]) - first)) end
          redis.call('ZADD', KEYS[2], ARGV[4], ARGV[8])
          redis.call('SADD', KEYS[3], 'e:' .. ARGV[2])
        end
        for dest in string.gmatch(ARGV[10], '[^,]+') do
          local id = dest .. ':' .. ARGV[12] .. ':' .. ARGV[2]
          redis.call('HSET', KEYS[5], id, ARGV[9])
          redis.call('ZADD', KEYS[4], ARGV[13], id)
        end
        local touches = redis.call('LRANGE', KEYS[8], 0, -1)
        local record = ARGV[14] .. ',"touches":[' .. table.concat(touches, ',') .. ']'
        if live then
          local first = tonumber(redis.call('HGET', KEYS[1], 'first_touch_timestamp'))
          -- Stripe's event time has whole seconds: never report a negative duration.
          if first then record = record .. ',"timeToConversion":' .. math.max(0, tonumber(ARGV[4]) - first) end
        end
        redis.call('HSET', KEYS[7], ARGV[2], record .. '}')
        if live then return 'converted' end
        return 'converted-unattributed'
        """;

    // Longer than Stripe's 3-day retry window, so a late duplicate is still recognised.
    private static readonly TimeSpan LedgerTtl = TimeSpan.FromDays(30);

    public async Task<int> InitiateAsync(DonationWrite write, string amount, string currency, string checkoutId, TimeSpan ttl, long now)
    {
        var sid = write.SessionId;
        var tag = Partitions.TagOf(sid);
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(now));
        var result = await db.ScriptEvaluateAsync(
            InitiateScript,
            [Keys.Session(sid), Keys.Events(sid), Keys.Seen(sid), Keys.OutboxDue(tag), Keys.OutboxItems(tag),
             Keys.Aggregate(tag, day), Keys.AggregateKeys(tag, day)],
            [(long)ttl.TotalSeconds, now, sid, write.EventId, write.Timestamp, write.Member, amount, currency, checkoutId, write.OutboxEntry, write.Destinations]);
        return (int)result;
    }

    public async Task<string> RecordStripeAsync(
        DonationWrite write, string stripeEventId, string kind, string amount, string currency, string checkoutType, string conversion, long now)
    {
        var sid = write.SessionId;
        var tag = Partitions.TagOf(sid);
        var result = await db.ScriptEvaluateAsync(
            StripeScript,
            [Keys.Session(sid), Keys.Events(sid), Keys.Seen(sid), Keys.OutboxDue(tag), Keys.OutboxItems(tag), Keys.StripeLedger(sid),
             Keys.Conversions(tag, Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(write.Timestamp))), Keys.Touches(sid)],
            [stripeEventId, write.EventId, kind, write.Timestamp, amount, currency, checkoutType, write.Member, write.OutboxEntry, write.Destinations,
             (long)LedgerTtl.TotalSeconds, sid, now, conversion]);
        return (string)result!;
    }

    public async Task<(HashEntry[] Session, HashEntry[] Client)> ReadAsync(string sessionId)
    {
        var batch = db.CreateBatch();
        var session = batch.HashGetAllAsync(Keys.Session(sessionId));
        var client = batch.HashGetAllAsync(Keys.Client(sessionId));
        batch.Execute();
        return (await session, await client);
    }
}
