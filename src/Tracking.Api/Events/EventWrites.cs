using Tracking.Storage;

namespace Tracking.Events;

/// <summary>
/// The script part that stores a request's events (event_writes.lua): its keys, arguments and lists, declared once
/// for every script that includes it (<c>--- @include "event_writes"</c>) — append_events.lua (POST /events) and POST /session's create and touch scripts,
/// which store a page's first events in the same script as the session (one request and one script per page load).
/// </summary>
internal static class EventWrites
{
    /// <summary>KEYS the piece reads besides <c>sess</c> and the aggregate keys, in this order (<see cref="EventKeys"/>).</summary>
    public static readonly string[] ScriptKeys = ["events", "seen", "due", "items"];

    /// <summary>ARGV the piece reads besides <c>ttl</c> and <c>retain</c>, in this order (<see cref="EventLimits"/>).</summary>
    public static readonly string[] ScriptArgs = ["now", "max_events", "max_contents"];

    /// <summary>The lists the piece reads, in this order (<see cref="EventLists"/>); the aggregate campaign list follows them.</summary>
    public static readonly ScriptList[] Lists =
    [
        new("events", "id", "milestone", "score", "member", "content", "completion_field", "completion_value", "entry", "set_field", "set_value", "watched_field", "watch", "watch_field"),
        new("outbox", "event", "id"),
    ];

    /// <summary>ARGV slots a call takes per event (for sizing).</summary>
    public const int ArgsPerEvent = 18;

    public static ScriptCall EventKeys(this ScriptCall call, string sessionId) => call
        .Key("events", Keys.Events(sessionId)).Key("seen", Keys.Seen(sessionId))
        .Key("due", Keys.OutboxDue(Partitions.TagOf(sessionId))).Key("items", Keys.OutboxItems(Partitions.TagOf(sessionId)));

    public static ScriptCall EventLimits(this ScriptCall call, long now, SessionLimitOptions options) => call
        .Arg("now", now).Arg("max_events", options.MaxEventsPerSession).Arg("max_contents", options.MaxContentsPerSession);

    public static ScriptCall EventLists(this ScriptCall call, IReadOnlyList<EventWrite> writes)
    {
        call.List("events");
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
        return call;
    }
}
