using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>An event to store plus its queued outbox entry (<see cref="QueuedEntry.None"/> when no destination takes it).</summary>
internal sealed record EventWrite(TrackedEvent Event, QueuedEntry Outbox);

/// <summary>What storing a request's events did (append_events.lua answers it: <c>S.Name</c>).</summary>
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
/// updates, TTLs, the facts the daily counters project) together with their outbox entries on the session's partition (same slot), so an event
/// is never stored without its delivery, or the reverse. A session holds at most Tracking__MaxEventsPerSession events
/// and Tracking__MaxContentsPerSession completion fields.
/// </summary>
internal sealed class EventStore(IDatabase db, IOptions<SessionLimitOptions> options, IOptions<RetentionOptions> retention, TrackingMetrics metrics)
{
    private static readonly ScriptLayout Layout = new(
        ["sess", .. EventWrites.ScriptKeys, .. Aggregates.ScriptKeys],
        ["ttl", "retain", .. EventWrites.ScriptArgs],
        [.. EventWrites.Lists]);
    private static readonly RedisScript Script = RedisScript.LoadBatched("append_events.lua", Layout, typeof(AppendStatus));

    // Concurrent requests' events go to Redis together (one script run for up to GroupCommit.MaxBatch requests).
    private readonly GroupCommit _commit = new(db, Script, metrics);

    public async Task<AppendResult> AppendAsync(string sessionId, IReadOnlyList<EventWrite> writes, TimeSpan ttl, long now)
    {
        var o = options.Value;
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(now));
        var call = new ScriptCall(Layout, 6 + (writes.Count * EventWrites.ArgsPerEvent))
            .Key("sess", Keys.Session(sessionId)).EventKeys(sessionId)
            .AggregateKeys(Partitions.TagOf(sessionId), day)
            .Arg("ttl", (long)ttl.TotalSeconds).Arg("retain", retention.Value.Seconds).EventLimits(now, o)
            .EventLists(writes);
        var result = ScriptResult.From(await _commit.RunAsync(call));
        return new AppendResult(result.Status<AppendStatus>(), (int)result.Long("accepted"), (int)result.Long("duplicates"), result.Long("held"));
    }
}
