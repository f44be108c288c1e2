using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>An event to store plus its queued outbox entry (<see cref="QueuedEntry.None"/> when no destination takes it).</summary>
internal sealed record EventWrite(TrackedEvent Event, QueuedEntry Outbox);

/// <summary>What storing a request's events did.</summary>
internal enum AppendStatus
{
    Stored,
    UnknownSession,

    /// <summary>The session holds <see cref="AppendResult.Held"/> events and the request's new ones would pass the cap: nothing stored.</summary>
    SessionFull,
}

internal readonly record struct AppendResult(AppendStatus Status, int Accepted, int Duplicates, long Held);

/// <summary>
/// Gateway of append_events.lua: stores a request's events in one atomic script (dedup, sorted set, session
/// updates, TTLs, counters) together with their outbox entries on the session's partition (same slot), so an event
/// is never stored without its delivery, or the reverse. A session holds at most Tracking__MaxEventsPerSession events
/// and Tracking__MaxContentsPerSession completion fields.
/// </summary>
internal sealed class EventStore(IDatabase db, IOptions<TrackingOptions> options, IOptions<RetentionOptions> retention)
{
    private static readonly ScriptLayout Layout = new(
        ["sess", "events", "seen", "due", "items", .. Aggregates.ScriptKeys],
        ["ttl", "now", "max_events", "max_contents", "retain"],
        new ScriptList("events", "id", "milestone", "score", "member", "content", "completion_field", "completion_value", "entry", "set_field", "set_value", "watched_field", "watch", "watch_field"),
        new ScriptList("outbox", "event", "id"),
        Aggregates.CampaignList);
    private static readonly RedisScript Script = RedisScript.Load("append_events.lua", Layout);

    public async Task<AppendResult> AppendAsync(string sessionId, IReadOnlyList<EventWrite> writes, TimeSpan ttl, long now)
    {
        var o = options.Value;
        var tag = Partitions.TagOf(sessionId);
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(now));
        var call = new ScriptCall(Layout, 4 + (writes.Count * 18))
            .Key("sess", Keys.Session(sessionId)).Key("events", Keys.Events(sessionId)).Key("seen", Keys.Seen(sessionId))
            .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag))
            .AggregateKeys(tag, day)
            .Arg("ttl", (long)ttl.TotalSeconds).Arg("now", now).Arg("max_events", o.MaxEventsPerSession).Arg("max_contents", o.MaxContentsPerSession)
            .Arg("retain", retention.Value.Seconds)
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
                .Arg("entry", writes[n].Outbox.Json)
                .Arg("set_field", e.SetField ?? "")
                .Arg("set_value", e.SetValue ?? "")
                .Arg("watched_field", e.WatchedField ?? "")
                .Arg("watch", e.WatchTime is { } w ? w.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "")
                .Arg("watch_field", e.WatchTimeField ?? "");
        }
        call.List("outbox");
        for (var n = 0; n < writes.Count; n++)
        {
            foreach (var id in writes[n].Outbox.Ids)
            {
                call.Arg("event", n + 1).Arg("id", id);
            }
        }
        call.ReportCampaigns(o.ReportCampaigns);
        var result = (RedisResult[])(await Script.RunAsync(db, call))!;
        return (int)result[0] switch
        {
            -1 => new AppendResult(AppendStatus.UnknownSession, 0, 0, 0),
            -2 => new AppendResult(AppendStatus.SessionFull, 0, 0, (long)result[1]),
            var accepted => new AppendResult(AppendStatus.Stored, accepted, (int)result[1], 0),
        };
    }
}
