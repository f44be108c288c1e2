using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>An event to store plus its queued outbox entry (<see cref="QueuedEntry.None"/> when no destination takes it).</summary>
internal sealed record EventWrite(TrackedEvent Event, QueuedEntry Outbox);

/// <summary>
/// Gateway of append_events.lua: stores a request's events in one atomic script (dedup, sorted set, session
/// updates, TTLs, counters) together with their outbox entries on the session's partition (same slot), so an event
/// is never stored without its delivery, or the reverse.
/// </summary>
internal sealed class EventStore(IDatabase db, Microsoft.Extensions.Options.IOptions<RetentionOptions> retention)
{
    private static readonly ScriptLayout Layout = new(
        ["sess", "events", "seen", "due", "items", "agg", "agg_keys"],
        ["ttl", "now", "retain"],
        new ScriptList("events", "id", "milestone", "score", "member", "content", "completion_field", "completion_value", "entry"),
        new ScriptList("outbox", "event", "id"));
    private static readonly RedisScript Script = RedisScript.Load("append_events.lua", Layout);

    public async Task<(int Accepted, int Duplicates)?> AppendAsync(string sessionId, IReadOnlyList<EventWrite> writes, TimeSpan ttl, long now)
    {
        var tag = Partitions.TagOf(sessionId);
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(now));
        var call = new ScriptCall(Layout, 4 + (writes.Count * 12))
            .Key("sess", Keys.Session(sessionId)).Key("events", Keys.Events(sessionId)).Key("seen", Keys.Seen(sessionId))
            .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag))
            .Key("agg", Keys.Aggregate(tag, day)).Key("agg_keys", Keys.AggregateKeys(tag, day))
            .Arg("ttl", (long)ttl.TotalSeconds).Arg("now", now).Arg("retain", retention.Value.Seconds)
            .List("events");
        for (var n = 0; n < writes.Count; n++)
        {
            var e = writes[n].Event;
            call.Arg("id", e.EventId)
                .Arg("milestone", e.Milestone ?? "")
                // Events of one batch sharing a millisecond keep their posted order (a hundredth of a ms apart).
                .Arg("score", e.Timestamp + (n / 100.0))
                .Arg("member", e.Member)
                .Arg("content", e.ContentViewed ?? "")
                .Arg("completion_field", e.CompletionField ?? "")
                .Arg("completion_value", e.CompletionValue)
                .Arg("entry", writes[n].Outbox.Json);
        }
        call.List("outbox");
        for (var n = 0; n < writes.Count; n++)
        {
            foreach (var id in writes[n].Outbox.Ids)
            {
                call.Arg("event", n + 1).Arg("id", id);
            }
        }
        var result = (RedisResult[])(await Script.RunAsync(db, call))!;
        var accepted = (int)result[0];
        return accepted < 0 ? null : (accepted, (int)result[1]);
    }
}
