using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>Gateway of signup.lua: an e-mail signup's session flags, its Lead event and outbox entries, in one script.</summary>
internal sealed class SignupStore(IDatabase db, IOptions<SessionLimitOptions> options)
{
    private static readonly ScriptLayout Layout = new(
        ["sess", "events", "seen", "due", "items"],
        ["ttl", "now", "event_id", "score", "member", "entry", "consent", "max_events", "max_leads"],
        new ScriptList("outbox", "id"));
    private static readonly RedisScript Script = RedisScript.Load("signup.lua", Layout, statuses: typeof(ServerEventStatus));

    public async Task<ServerEventStatus> RecordAsync(string sessionId, string eventId, long timestamp, string member, QueuedEntry entry, bool? consent, long now)
    {
        var tag = Partitions.TagOf(sessionId);
        var call = new ScriptCall(Layout)
            .Key("sess", Keys.Session(sessionId)).Key("events", Keys.Events(sessionId)).Key("seen", Keys.Seen(sessionId))
            .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag))
            .Arg("ttl", (long)options.Value.SessionTtl.TotalSeconds).Arg("now", now).Arg("event_id", eventId).Arg("score", timestamp)
            .Arg("member", member).Arg("entry", entry.Json).Arg("consent", consent is null ? "" : consent.Value ? "true" : "false")
            .Arg("max_events", options.Value.MaxEventsPerSession).Arg("max_leads", options.Value.MaxSignupsPerSession)
            .List("outbox");
        foreach (var id in entry.Ids)
        {
            call.Arg("id", id);
        }
        return ScriptResult.From(await Script.RunAsync(db, call)).Status<ServerEventStatus>();
    }

    /// <summary>The live session's visitor id, or null.</summary>
    public async Task<string?> VisitorOfAsync(string sessionId) =>
        (string?)await db.HashGetAsync(Keys.Session(sessionId), SessionField.VisitorId) is { Length: > 0 } visitor ? visitor : null;
}
