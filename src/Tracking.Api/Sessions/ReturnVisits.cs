using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>
/// A return visit the touch could not count, its visitor's keys being on another slot than the session's (a session
/// made before a visitor's sessions followed its slot, or a page that named no visitor): counted for the visitor on
/// its own slot, then the count kept on the session, a script each. Every other visit is counted by the page load's
/// own script (<see cref="SessionStore"/>).
/// </summary>
internal sealed class ReturnVisits(IDatabase db, IOptions<VisitorOptions> visitors)
{
    private static readonly ScriptLayout VisitLayout = new(["count", "index", "sessions"], ["visitor_ttl"]);
    private static readonly RedisScript CountVisit = RedisScript.Load("count_visit.lua", VisitLayout);

    private static readonly ScriptLayout CountLayout = new(["sess"], ["count"]);
    private static readonly RedisScript SetCount = RedisScript.Load("set_session_count.lua", CountLayout);

    public async Task CountAsync(string visitorId, string sessionId)
    {
        var count = ScriptResult.From(await CountVisit.RunAsync(db, new ScriptCall(VisitLayout)
            .Key("count", Keys.Visitor(visitorId)).Key("index", Keys.VisitorIndex(visitorId)).Key("sessions", Keys.VisitorSessions(visitorId))
            .Arg("visitor_ttl", (long)visitors.Value.VisitorRetention.TotalSeconds))).Long("count");
        await SetCount.RunAsync(db, new ScriptCall(CountLayout).Key("sess", Keys.Session(sessionId)).Arg("count", count));
    }
}
