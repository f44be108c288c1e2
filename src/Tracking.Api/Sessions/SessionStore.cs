using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>A session to create: its hash fields plus the request context kept beside it.</summary>
internal sealed record NewSession(string SessionId, string VisitorId, List<KeyValuePair<string, string>> Fields, string TouchJson, string Ip, string UserAgent);

/// <summary>A visit to an existing session.</summary>
internal sealed record SessionVisit(
    string SessionId, List<KeyValuePair<string, string>> Fields, string[] Cleared, string? TouchJson, string? Fbclid, long Now, string Ip, string UserAgent);

/// <summary>
/// Session writes: each is one Lua script (one round trip, atomic), all keys on the session's slot. The touches list
/// is capped (Tracking__MaxTouchesPerSession) and reads of the events are bounded (see <see cref="ReadAsync"/>).
/// </summary>
internal sealed class SessionStore(IDatabase db, IOptions<TrackingOptions> options, IOptions<RetentionOptions> retention)
{
    private static readonly ScriptLayout CreateLayout = new(
        ["sess", "touches", "client", .. Aggregates.ScriptKeys], ["ttl", "touch", "ip", "ua", "retain"],
        new ScriptList("fields", "name", "value"), Aggregates.CampaignList);
    private static readonly RedisScript Create = RedisScript.Load("create_session.lua", CreateLayout);

    private static readonly ScriptLayout TouchLayout = new(
        ["sess", "events", "seen", "touches", "client", .. Aggregates.ScriptKeys], ["ttl", "touch", "ip", "ua", "fbclid", "now", "max_touches", "retain"],
        new ScriptList("cleared", "name"), new ScriptList("fields", "name", "value"), Aggregates.CampaignList);
    private static readonly RedisScript Touch = RedisScript.Load("touch_session.lua", TouchLayout);

    private static readonly ScriptLayout CountLayout = new(["sess"], ["count"]);
    private static readonly RedisScript SetCount = RedisScript.Load("set_session_count.lua", CountLayout);

    private static readonly TimeSpan VisitorMemory = TimeSpan.FromDays(400);

    /// <summary>Counts this visit for the visitor (a separate slot, so a separate command) and returns the count.</summary>
    /// <remarks>Also indexes the new session under the visitor (export and erasure find it there).</remarks>
    public async Task<long> CountVisitAsync(string visitorId, string sessionId)
    {
        var key = Keys.Visitor(visitorId);
        var index = Keys.VisitorIndex(visitorId);
        var batch = db.CreateBatch();
        var count = batch.StringIncrementAsync(key);
        var expire = batch.KeyExpireAsync(key, VisitorMemory);
        var indexed = batch.SetAddAsync(index, "s:" + sessionId);
        var indexExpire = batch.KeyExpireAsync(index, VisitorMemory);
        batch.Execute();
        await Task.WhenAll(count, expire, indexed, indexExpire);
        return await count;
    }

    public async Task CreateAsync(NewSession session, TimeSpan ttl, string day)
    {
        var id = session.SessionId;
        var tag = Partitions.TagOf(id);
        var call = new ScriptCall(CreateLayout, 6 + (session.Fields.Count * 2))
            .Key("sess", Keys.Session(id)).Key("touches", Keys.Touches(id)).Key("client", Keys.Client(id))
            .AggregateKeys(tag, day)
            .Arg("ttl", (long)ttl.TotalSeconds).Arg("touch", session.TouchJson).Arg("ip", session.Ip).Arg("ua", session.UserAgent)
            .Arg("retain", retention.Value.Seconds);
        Pairs(call, session.Fields);
        call.ReportCampaigns(options.Value.ReportCampaigns);
        await Create.RunAsync(db, call);
    }

    /// <summary>
    /// Touches a live session and returns its visitor id and whether this page load starts a new visit (after 30
    /// minutes of inactivity); null when it does not exist (unknown or expired).
    /// </summary>
    public async Task<(string Visitor, bool NewVisit)?> TouchAsync(SessionVisit visit, TimeSpan ttl, string day)
    {
        var id = visit.SessionId;
        var tag = Partitions.TagOf(id);
        var call = new ScriptCall(TouchLayout, 10 + visit.Cleared.Length + (visit.Fields.Count * 2))
            .Key("sess", Keys.Session(id)).Key("events", Keys.Events(id)).Key("seen", Keys.Seen(id))
            .Key("touches", Keys.Touches(id)).Key("client", Keys.Client(id))
            .AggregateKeys(tag, day)
            .Arg("ttl", (long)ttl.TotalSeconds).Arg("touch", visit.TouchJson ?? "").Arg("ip", visit.Ip).Arg("ua", visit.UserAgent)
            .Arg("fbclid", visit.Fbclid ?? "").Arg("now", visit.Now).Arg("max_touches", options.Value.MaxTouchesPerSession)
            .Arg("retain", retention.Value.Seconds)
            .List("cleared");
        foreach (var field in visit.Cleared)
        {
            call.Arg("name", field);
        }
        Pairs(call, visit.Fields);
        call.ReportCampaigns(options.Value.ReportCampaigns);
        var result = await Touch.RunAsync(db, call);
        if (result.IsNull)
        {
            return null;
        }
        var parts = (RedisResult[])result!;
        return (parts[0].ToString(), (int)parts[1] == 1);
    }

    /// <summary>A return visit to a live session: counted for the visitor (its own slot), and the count kept on the session.</summary>
    public async Task CountReturnVisitAsync(string visitorId, string sessionId)
    {
        var count = await CountVisitAsync(visitorId, sessionId);
        await SetCount.RunAsync(db, new ScriptCall(CountLayout).Key("sess", Keys.Session(sessionId)).Arg("count", count));
    }

    /// <summary>
    /// The session's fields and its latest events, oldest first: at most twice Tracking__MaxEventsPerSession (browser
    /// events and checkouts stop at the cap; Stripe's results of those checkouts may follow), so no session — not even
    /// one stored before the cap existed — makes this read unbounded.
    /// </summary>
    public async Task<(HashEntry[] Attributes, RedisValue[] Events)?> ReadAsync(string id)
    {
        var batch = db.CreateBatch();
        var attributes = batch.HashGetAllAsync(Keys.Session(id));
        var events = batch.SortedSetRangeByRankAsync(Keys.Events(id), -2L * options.Value.MaxEventsPerSession, -1);
        batch.Execute();
        await Task.WhenAll(attributes, events);
        var hash = await attributes;
        return hash.Length == 0 ? null : (hash, await events);
    }

    private static void Pairs(ScriptCall call, List<KeyValuePair<string, string>> fields)
    {
        call.List("fields");
        foreach (var (field, value) in fields)
        {
            call.Arg("name", field).Arg("value", value);
        }
    }
}
