using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>Turns a posted body into events to store, or a problem naming the first bad field of each event.</summary>
internal static class EventValidator
{
    private const int MaxProperties = 32;
    private const int MaxPropertyValue = 512;
    internal const int MaxUrl = 2048;
    // A browser clock can be wrong; beyond these bounds the server's time is used instead.
    private static readonly TimeSpan MaxPast = TimeSpan.FromHours(24);
    private static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(5);

    public static (string SessionId, List<TrackedEvent> Events, ProblemHttpResult? Problem) Validate(
        EventsRequest body, int maxBatch, DateTimeOffset now)
    {
        var isBatch = body.Events is not null;
        var items = body.Events ?? [new EventRequest(body.SessionId, body.Event, body.EventId, body.Url, body.Timestamp, body.Properties, body.Referrer)];
        var errors = new FieldErrors();
        if (isBatch && (body.Event ?? body.EventId ?? body.Url ?? body.Referrer ?? (object?)body.Timestamp ?? body.Properties) is not null)
        {
            errors.Add("events", "A batch carries its events in 'events' only (plus an optional shared 'sessionId').");
        }
        if (items.Count == 0)
        {
            errors.Add("events", "At least one event is required.");
        }
        if (items.Count > maxBatch)
        {
            errors.Add("events", $"At most {maxBatch} events per request.");
        }
        if (errors.Any)
        {
            return ("", [], errors.ToProblem());
        }

        var sessionId = body.SessionId ?? items[0].SessionId;
        var (tracked, problem) = ValidateItems(items, isBatch ? "events" : null, sessionId, pageLoad: false, errors, now);
        return problem is not null ? ("", [], problem) : (sessionId!, tracked, null);
    }

    /// <summary>
    /// The events a page load sends inside <c>POST /session</c> (<c>events</c>, at most <paramref name="maxBatch"/>):
    /// validated as a batch of <c>POST /events</c> would be, without a session id (the session is the request's).
    /// </summary>
    public static (List<TrackedEvent> Events, ProblemHttpResult? Problem) ValidatePage(List<EventRequest> items, int maxBatch, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (items.Count > maxBatch)
        {
            errors.Add("events", $"At most {maxBatch} events per request.");
            return ([], errors.ToProblem());
        }
        return ValidateItems(items, "events", null, pageLoad: true, errors, now);
    }

    /// <param name="sessionId">The batch's session, which every item must name (or inherit).</param>
    /// <param name="pageLoad">A page load's events (inside POST /session), which must not name a session.</param>
    private static (List<TrackedEvent> Events, ProblemHttpResult? Problem) ValidateItems(
        List<EventRequest> items, string? list, string? sessionId, bool pageLoad, FieldErrors errors, DateTimeOffset now)
    {
        var tracked = new List<TrackedEvent>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = list is null ? "" : $"{list}[{i}].";
            var item = items[i];
            if (pageLoad)
            {
                if (item.SessionId is not null)
                {
                    errors.Add(prefix + "sessionId", "A page load's events belong to the session of the request; leave the session id out.");
                }
            }
            else
            {
                var itemSession = item.SessionId ?? sessionId;
                if (itemSession is null)
                {
                    errors.Add(prefix + "sessionId", "The session id is required.");
                }
                else if (!Ids.IsSafe(itemSession, 64))
                {
                    errors.Add(prefix + "sessionId", "Must be a session id returned by POST /session.");
                }
                else if (itemSession != sessionId)
                {
                    errors.Add(prefix + "sessionId", "All events of a batch must belong to one session.");
                }
            }
            if (item.Event is not null && EventNames.IsReserved(item.Event))
            {
                var field = prefix + "event";
                return ([], Problems.Status(StatusCodes.Status403Forbidden, "Server-only event",
                    $"'{Truncate(item.Event)}' is recorded by the server (checkout, Stripe) or is a name Meta or PostHog reserve; browsers cannot send it.", field));
            }
            var one = ValidateOne(item, prefix, errors, now);
            if (one is not null)
            {
                tracked.Add(one);
            }
        }
        return errors.Any ? ([], errors.ToProblem()) : (tracked, null);
    }

    /// <summary>The event to store, or null with its errors added: the generic rules first, then the rules of its name.</summary>
    private static TrackedEvent? ValidateOne(EventRequest item, string prefix, FieldErrors errors, DateTimeOffset now)
    {
        CheckShape(item, prefix, errors);
        if (errors.Any || EventMeaning.Of(item, prefix, errors) is not { } meaning)
        {
            return null;
        }
        var name = item.Event!;
        var timestamp = item.Timestamp is { } t && t >= (now - MaxPast).ToUnixTimeMilliseconds() && t <= (now + MaxFuture).ToUnixTimeMilliseconds()
            ? t
            : now.ToUnixTimeMilliseconds();
        var eventId = item.EventId ?? Ids.NewEventId();
        var content = meaning.Content;
        var contentViewed = name is EventNames.ViewContent or EventNames.VideoStart ? content : null;
        return new TrackedEvent(eventId, name, timestamp, EventMember.Write(name, eventId, timestamp, item.Url, item.Properties ?? []),
            meaning.Milestone, contentViewed, meaning.CompletionField, meaning.Percent, item.Url, item.Properties, item.Referrer, meaning.SetField, meaning.SetValue,
            name == EventNames.VideoStart ? content + SessionField.WatchedSuffix : null, meaning.WatchTime, meaning.WatchTime is null ? null : content + SessionField.WatchTimeSuffix);
    }

    /// <summary>The rules every event follows: its name, id, pages and properties.</summary>
    private static void CheckShape(EventRequest item, string prefix, FieldErrors errors)
    {
        if (!IsEventName(item.Event))
        {
            errors.Add(prefix + "event", "Required: 1-64 characters, starting with a letter, of letters, digits, ' ', '_', '-', '.', ':'.");
        }
        errors.SafeId(prefix + "eventId", item.EventId);
        errors.PageUrl(prefix + "url", item.Url, MaxUrl);
        errors.PageUrl(prefix + "referrer", item.Referrer, MaxUrl);
        var props = item.Properties ?? [];
        if (props.Count > MaxProperties)
        {
            errors.Add(prefix + "properties", $"At most {MaxProperties} properties.");
        }
        foreach (var (key, value) in props)
        {
            if (!IsPropertyName(key))
            {
                errors.Add(prefix + "properties", $"Property names are 1-64 letters, digits or '_' ('{Truncate(key)}' is not).");
            }
            else if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                errors.Add($"{prefix}properties.{key}", "Must be a string, number, boolean or null.");
            }
            else if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length > MaxPropertyValue)
            {
                errors.Add($"{prefix}properties.{key}", $"Must be at most {MaxPropertyValue} characters.");
            }
        }
    }

    private static bool IsEventName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && char.IsAsciiLetter(name[0])
        && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is ' ' or '_' or '-' or '.' or ':');

    private static bool IsPropertyName(string key) =>
        key.Length is > 0 and <= 64 && key.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');

    private static string Truncate(string value) => value.Length > 32 ? value[..32] + "…" : value;
}
