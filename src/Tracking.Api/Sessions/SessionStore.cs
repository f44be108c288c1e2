using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Edge;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>A session to create: its hash fields plus the request context kept beside it.</summary>
/// <param name="PostHog">The page's PostHog distinct id, for the visitor's index.</param>
/// <param name="NewVisitor">The visitor id was minted for this page load (<see cref="VisitorIds.NewAsync"/>: random),
/// so its keys do not exist yet and the script makes them without reading them first.</param>
internal sealed record NewSession(
    string SessionId, string VisitorId, List<KeyValuePair<string, string>> Fields, string TouchJson, string Ip, string UserAgent, string? PostHog,
    bool NewVisitor = false);

/// <summary>A visit to an existing session.</summary>
internal sealed record SessionVisit(
    string SessionId, List<KeyValuePair<string, string>> Fields, string[] Cleared, string? TouchJson, string? Fbclid, long Now, string Ip, string UserAgent,
    string? PostHog);

/// <summary>What a page load's script did: the session's visitor, whether a new visit began, and the page's events.</summary>
/// <param name="Own">The visitor's keys were written by the same script (its new visit counted, the PostHog id in its
/// index); else the caller counts and indexes.</param>
/// <param name="PostHogVisitor">The PostHog id's own index (another slot) is to get the visitor (<see cref="IndexSet.AddPostHogVisitorAsync"/>).</param>
/// <param name="PostHogBefore">The PostHog distinct id the session held before this page load ('' for none).</param>
/// <param name="Held">When the page's events would pass Tracking__MaxEventsPerSession: the events held (nothing was written); else -1.</param>
/// <param name="RetryAfter">When the client's new-session budget was spent (nothing was written): the rest of its window.</param>
/// <param name="ExpiresAt">When the session expires (ms since the epoch, on Redis's clock, which keeps it): a touch
/// refreshes its TTL only once it has run down (hashes.lua, refresh_run_down), so this may be up to 30 s short of the
/// full TTL from now; 0 when nothing was written.</param>
internal readonly record struct PageLoad(
    string Visitor, bool NewVisit, int Accepted, int Duplicates, bool Own = true, bool PostHogVisitor = false, string PostHogBefore = "", long Held = -1,
    long ExpiresAt = 0, TimeSpan? RetryAfter = null)
{
    public bool Full => Held >= 0;

    public bool OverBudget => RetryAfter is not null;
}

/// <summary>
/// Session writes: each is one Lua script (one round trip, atomic), all keys on the session's slot (on a store that is
/// not a cluster, the <c>_standalone</c> scripts also write the client's budget and the PostHog id's index). Creating or
/// touching a session also stores the page's first events (event_writes.lua, as POST /events would) and counts a new
/// visit for the visitor, whose keys share the session's slot (<see cref="Ids.NewVisitorId"/>,
/// <see cref="Ids.NewSessionId(int)"/>), so a page load is one script. The touches list is capped
/// (Tracking__MaxTouchesPerSession) and reads of the events are bounded (see <see cref="ReadAsync"/>).
/// </summary>
internal sealed class SessionStore(
    IDatabase db, IOptions<SessionLimitOptions> options, IOptions<VisitorOptions> visitors, IOptions<AggregateOptions> aggregates, IOptions<RetentionOptions> retention,
    TrackingMetrics metrics)
{
    // The page's PostHog id as the visitor's index member, bounded like IndexSet.AddPostHogIdAsync (index_member.lua).
    private static readonly string[] PostHogArgs = ["posthog", "posthog_prefix", "max_posthog"];

    private static readonly ScriptLayout CreateLayout = new(
        ["sess", "touches", "client", .. EventWrites.ScriptKeys, .. Aggregates.ScriptKeys, "count", "index", "sessions"],
        ["ttl", "touch", "ip", "ua", "retain", .. EventWrites.ScriptArgs, "session", "max_sessions", "visitor_ttl", "new_visitor", .. PostHogArgs],
        [new ScriptList("fields", "name", "value"), .. EventWrites.Lists, Aggregates.CampaignList]);
    private static readonly RedisScript Create = RedisScript.LoadBatched("create_session.lua", CreateLayout, typeof(PageLoadStatus));

    // The same, with the client's new-session budget and the PostHog id's own index in the script (not on a cluster:
    // Standalone).
    private static readonly ScriptLayout CreateStandaloneLayout = new(
        [.. CreateLayout.Keys, "budget", "posthog_visitors"],
        [.. CreateLayout.Args, "budget_now", "budget_window", "budget_limit", "visitor", "max_posthog_visitors", "crowded"], [.. CreateLayout.Lists]);
    private static readonly RedisScript CreateStandalone = RedisScript.LoadBatched("create_session_standalone.lua", CreateStandaloneLayout, typeof(PageLoadStatus));

    private static readonly ScriptLayout TouchLayout = new(
        ["sess", "touches", "client", .. EventWrites.ScriptKeys, .. Aggregates.ScriptKeys],
        ["ttl", "touch", "ip", "ua", "fbclid", "max_touches", "retain", .. EventWrites.ScriptArgs],
        [new ScriptList("cleared", "name"), new ScriptList("fields", "name", "value"), .. EventWrites.Lists, Aggregates.CampaignList]);
    private static readonly RedisScript Touch = RedisScript.LoadBatched("touch_session.lua", TouchLayout, typeof(PageLoadStatus));

    // A touch whose page names a visitor on the session's slot: a new visit is counted in the same script.
    private static readonly ScriptLayout TouchVisitorLayout = new(
        [.. TouchLayout.Keys, "count", "index", "sessions"], [.. TouchLayout.Args, "visitor", "visitor_ttl", .. PostHogArgs], [.. TouchLayout.Lists]);
    private static readonly RedisScript TouchVisitor = RedisScript.LoadBatched("touch_session_visitor.lua", TouchVisitorLayout, typeof(PageLoadStatus));

    // The same, with the PostHog id's own index in the script (not on a cluster: Standalone).
    private static readonly ScriptLayout TouchVisitorStandaloneLayout = new(
        [.. TouchVisitorLayout.Keys, "posthog_visitors"], [.. TouchVisitorLayout.Args, "max_posthog_visitors", "crowded"], [.. TouchLayout.Lists]);
    private static readonly RedisScript TouchVisitorStandalone =
        RedisScript.LoadBatched("touch_session_visitor_standalone.lua", TouchVisitorStandaloneLayout, typeof(PageLoadStatus));

    // Concurrent page loads go to Redis together, per script (GroupCommit).
    private readonly GroupCommit _create = new(db, Create, metrics);
    private readonly GroupCommit _createStandalone = new(db, CreateStandalone, metrics);
    private readonly GroupCommit _touch = new(db, Touch, metrics);
    private readonly GroupCommit _touchVisitor = new(db, TouchVisitor, metrics);
    private readonly GroupCommit _touchVisitorStandalone = new(db, TouchVisitorStandalone, metrics);

    internal static string VisitMember(string sessionId) => "s:" + sessionId;

    /// <summary>
    /// Whether the store is not a cluster, so <see cref="CreateAsync"/> takes the client's new-session budget and, like
    /// <see cref="TouchAsync"/> with a visitor, indexes the visitor under the page's PostHog id itself (one round trip
    /// per page load): a script may then touch those keys beside the session's. On a cluster they are on other slots,
    /// and the caller writes them.
    /// </summary>
    public bool Standalone => !_clusterSeen && db.Multiplexer.HashSlot("any") < 0; // no slot: not a cluster

    // Set when Redis refused a script for a store that is not a cluster as cross-slot: the client took a cluster for
    // one store (it does until a cluster node has answered, e.g. a service started while its cluster was down). That
    // request is answered 503 (nothing ran); every later one writes the other slots' keys apart, as on a cluster.
    private volatile bool _clusterSeen;

    private long VisitorTtl => (long)visitors.Value.VisitorRetention.TotalSeconds;

    /// <summary>
    /// Creates the session and stores the page's events with it, and counts and indexes the session as a visit of
    /// its visitor (export and erasure find it there; the newest Tracking__MaxSessionsPerVisitor stay indexed), whose
    /// keys must be on the session's slot; null when a session with that id already exists (a retried page load,
    /// whose id is derived from its key: touch it instead; its visit is not counted again). With
    /// <paramref name="charge"/> (only when <see cref="Standalone"/>) the script takes that unit of the client's
    /// budget once the session is known to be new, and writes nothing when it is spent; it also indexes the visitor
    /// under the PostHog id, and answers <see cref="PageLoad.PostHogVisitor"/> false.
    /// </summary>
    public async Task<PageLoad?> CreateAsync(NewSession session, IReadOnlyList<EventWrite> writes, TimeSpan ttl, long now, BudgetCharge? charge = null)
    {
        var id = session.SessionId;
        var call = new ScriptCall(charge is null ? CreateLayout : CreateStandaloneLayout, 20 + (session.Fields.Count * 2) + (writes.Count * EventWrites.ArgsPerEvent))
            .Key("sess", Keys.Session(id)).Key("touches", Keys.Touches(id)).Key("client", Keys.Client(id)).EventKeys(id)
            .AggregateKeys(Partitions.TagOf(id), Day(now))
            .Key("count", Keys.Visitor(session.VisitorId)).Key("index", Keys.VisitorIndex(session.VisitorId))
            .Key("sessions", Keys.VisitorSessions(session.VisitorId));
        if (charge is not null)
        {
            call.Key("budget", charge.Key).Key("posthog_visitors", Keys.PostHogVisitors(session.PostHog ?? ""));
        }
        call.Arg("ttl", (long)ttl.TotalSeconds).Arg("touch", session.TouchJson).Arg("ip", session.Ip).Arg("ua", session.UserAgent)
            .Arg("retain", retention.Value.Seconds).EventLimits(now, options.Value)
            .Arg("session", VisitMember(id)).Arg("max_sessions", visitors.Value.MaxSessionsPerVisitor).Arg("visitor_ttl", VisitorTtl)
            .Arg("new_visitor", session.NewVisitor ? 1 : 0);
        PostHog(call, session.PostHog);
        if (charge is not null)
        {
            call.Arg("budget_now", charge.Now).Arg("budget_window", charge.Window).Arg("budget_limit", charge.Limit)
                .Arg("visitor", session.VisitorId).Arg("max_posthog_visitors", IndexSet.MaxVisitorsPerPostHogId).Arg("crowded", IndexSet.Crowded);
        }
        Pairs(call, session.Fields);
        call.EventLists(writes).ReportCampaigns(aggregates.Value.ReportCampaigns);
        var result = ScriptResult.From(await RunAsync(charge is null ? _create : _createStandalone, call, charge is not null));
        return result.Status<PageLoadStatus>() switch
        {
            PageLoadStatus.Exists => null,
            PageLoadStatus.OverBudget => new PageLoad(session.VisitorId, true, 0, 0, RetryAfter: TimeSpan.FromMilliseconds(result.Long("retry_ms"))),
            PageLoadStatus.SessionFull => new PageLoad(session.VisitorId, true, 0, 0, Held: result.Long("held")),
            _ => new PageLoad(session.VisitorId, true, (int)result.Long("accepted"), (int)result.Long("duplicates"),
                PostHogVisitor: result.Long("posthog") == 1, ExpiresAt: result.Long("expires_at")),
        };
    }

    /// <summary>
    /// Touches a live session and stores the page's events: its visitor id, whether this page load starts a new visit
    /// (after 30 minutes of inactivity), and what the events did; null when it does not exist (unknown or expired).
    /// <paramref name="visitorId"/>: the visitor the page names, when its keys are on the session's slot; a new visit
    /// of that visitor (when it is the session's) is counted in the same script.
    /// </summary>
    public async Task<PageLoad?> TouchAsync(SessionVisit visit, IReadOnlyList<EventWrite> writes, TimeSpan ttl, string? visitorId)
    {
        var id = visit.SessionId;
        var standalone = visitorId is not null && Standalone;
        var call = new ScriptCall(visitorId is null ? TouchLayout : standalone ? TouchVisitorStandaloneLayout : TouchVisitorLayout,
                20 + visit.Cleared.Length + (visit.Fields.Count * 2) + (writes.Count * EventWrites.ArgsPerEvent))
            .Key("sess", Keys.Session(id)).Key("touches", Keys.Touches(id)).Key("client", Keys.Client(id)).EventKeys(id)
            .AggregateKeys(Partitions.TagOf(id), Day(visit.Now));
        if (visitorId is not null)
        {
            call.Key("count", Keys.Visitor(visitorId)).Key("index", Keys.VisitorIndex(visitorId)).Key("sessions", Keys.VisitorSessions(visitorId));
        }
        if (standalone)
        {
            call.Key("posthog_visitors", Keys.PostHogVisitors(visit.PostHog ?? ""));
        }
        call.Arg("ttl", (long)ttl.TotalSeconds).Arg("touch", visit.TouchJson ?? "").Arg("ip", visit.Ip).Arg("ua", visit.UserAgent)
            .Arg("fbclid", visit.Fbclid ?? "").Arg("max_touches", options.Value.MaxTouchesPerSession)
            .Arg("retain", retention.Value.Seconds).EventLimits(visit.Now, options.Value);
        if (visitorId is not null)
        {
            PostHog(call.Arg("visitor", visitorId).Arg("visitor_ttl", VisitorTtl), visit.PostHog);
        }
        if (standalone)
        {
            call.Arg("max_posthog_visitors", IndexSet.MaxVisitorsPerPostHogId).Arg("crowded", IndexSet.Crowded);
        }
        call.List("cleared");
        foreach (var field in visit.Cleared)
        {
            call.Arg("name", field);
        }
        Pairs(call, visit.Fields);
        call.EventLists(writes).ReportCampaigns(aggregates.Value.ReportCampaigns);
        var result = ScriptResult.From(await RunAsync(visitorId is null ? _touch : standalone ? _touchVisitorStandalone : _touchVisitor, call, standalone));
        return result.Status<PageLoadStatus>() switch
        {
            PageLoadStatus.Unknown => null,
            PageLoadStatus.SessionFull => new PageLoad("", false, 0, 0, Held: result.Long("held")),
            _ => new PageLoad(result.String("visitor"), result.Long("new_visit") == 1, (int)result.Long("accepted"), (int)result.Long("duplicates"),
                Own: result.Long("own") == 1, PostHogVisitor: result.Long("posthog") == 1, PostHogBefore: result.String("posthog_before"),
                ExpiresAt: result.Long("expires_at")),
        };
    }

    // A script for a store that is not a cluster, refused as cross-slot, turns those scripts off (_clusterSeen).
    private async Task<RedisResult> RunAsync(GroupCommit commit, ScriptCall call, bool standalone)
    {
        try
        {
            return await commit.RunAsync(call);
        }
        catch (RedisServerException e) when (standalone && e.Message.StartsWith("CROSSSLOT", StringComparison.Ordinal))
        {
            _clusterSeen = true;
            throw;
        }
    }

    private static string Day(long now) => Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(now));

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

    private static ScriptCall PostHog(ScriptCall call, string? distinctId) => call
        .Arg("posthog", string.IsNullOrEmpty(distinctId) ? "" : IndexSet.PostHogMember(distinctId))
        .Arg("posthog_prefix", IndexSet.PostHogPrefix).Arg("max_posthog", IndexSet.MaxPostHogIdsPerVisitor);

    private static void Pairs(ScriptCall call, List<KeyValuePair<string, string>> fields)
    {
        call.List("fields");
        foreach (var (field, value) in fields)
        {
            call.Arg("name", field).Arg("value", value);
        }
    }
}
