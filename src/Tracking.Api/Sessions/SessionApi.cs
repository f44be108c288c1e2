using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Sessions;

internal static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/session").WithTags("Sessions").RequireRateLimiting(RateLimiting.PerIp).RequireCors(Cors.Sites)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/", CreateOrTouch)
            .WithName("CreateOrTouchSession")
            .WithSummary("Create a session for a landing, or touch a live one (first touch kept, last touch updated).")
            .WithDescription("""
                No `sessionId`, or an unknown/expired one, creates a new session (201) with a server-chosen id.
                A live `sessionId` is touched (200): campaign parameters become the new last touch, the TTL restarts.
                UTMs, fbclid and gclid are read from `url`'s query unless given explicitly.
                `events` (optional, at most Tracking__MaxEventsPerBatch) are the page's first events, usually its PageView:
                validated as a `POST /events` batch (without session ids) and stored in the same atomic script as the
                session, so a page load is one request. A new visitor's session id is derived from the first event's id,
                so a retried page load returns the session its first attempt created and stores nothing twice.
                A session whose events are at Tracking__MaxEventsPerSession answers 409 and is not touched.
                """)
            .WithJsonBody<SessionRequest>(alsoAs: "text/plain")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequireSiteOrigin();
        // Operators only: a session id sits in the browser's storage (readable by every script on the site), in
        // PostHog and in Stripe, so it must not be a bearer token for the session's data. Not CORS-enabled.
        app.MapGet("/session/{id}", Get)
            .WithTags("Sessions")
            .WithName("GetSession")
            .WithSummary("A session's attributes and its events, oldest first (ops key).")
            .WithDescription("""
                Requires `Authorization: Bearer {Ops__ApiKey}`; the tracking snippet never calls it. Bounded like the session:
                at most the latest 2 × Tracking__MaxEventsPerSession events (each at most Tracking__MaxEventBytes).
                """)
            .RequireOpsKey()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Created<SessionResponse>, Ok<SessionResponse>, ProblemHttpResult>> CreateOrTouch(
        HttpContext http, SessionStore store, SessionIdSecret secret, Outbox outbox, IOptions<SessionLimitOptions> options, GeoIp geo,
        TimeProvider clock, TrackingMetrics metrics)
    {
        var (request, problem) = await JsonBody.ReadAsync(http.Request, SessionsJson.Default.SessionRequest);
        if (problem is not null)
        {
            metrics.Rejected("session");
            return problem;
        }
        var (landing, errors) = SessionValidator.Validate(request!);
        if (errors.Any)
        {
            metrics.Rejected("session");
            return errors.ToProblem();
        }
        var o = options.Value;
        var (events, invalid) = request!.Events is { } posted ? EventValidator.ValidatePage(posted, o.MaxEventsPerBatch, clock.GetUtcNow()) : ([], null);
        if ((invalid ?? SessionLimits.TooLarge(events, isBatch: true, o.MaxEventBytes)) is { } refused)
        {
            metrics.Rejected("session");
            return refused;
        }

        var ttl = o.SessionTtl;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var client = ClientContext.From(http).Located(geo);
        var touch = landing!.HasCampaign ? JsonSerializer.Serialize(landing.ToTouch(now), SessionsJson.Default.Touch) : null;
        List<EventWrite> Writes(string sessionId) =>
            events.Select(e => new EventWrite(e, outbox.Queue(OutboxEntries.ForBrowserEvent(sessionId, e, client)))).ToList();

        // A live session is touched. Otherwise a page load with events gets a session id derived from its first
        // event: a retry whose first attempt's answer was lost finds the session that attempt made, and touches it
        // there instead (its events deduplicated by id, its visit not counted again).
        var existing = Ids.IsSessionId(request.SessionId) ? request.SessionId : null;
        var derive = events.Count > 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (existing is not null)
            {
                var visit = SessionFields.ForVisit(request, landing, now, client) with { SessionId = existing, TouchJson = touch };
                if (await store.TouchAsync(visit, Writes(existing), ttl) is { } t)
                {
                    if (t.Full)
                    {
                        metrics.Rejected("session");
                        return SessionLimits.Full(t.Held, o.MaxEventsPerSession, "this page load's events");
                    }
                    if (t.NewVisit && t.Visitor.Length > 0)
                    {
                        await store.CountReturnVisitAsync(t.Visitor, existing);
                    }
                    metrics.EventsStored(t.Accepted, t.Duplicates);
                    return TypedResults.Ok(new SessionResponse(existing, t.Visitor, IsNew: false, now + (long)ttl.TotalMilliseconds, Accepted(t)));
                }
                // Unknown or expired (or a derived session erased in between): a new session, never with an id the client chose.
            }

            var key = derive ? await secret.GetAsync() : null;
            var sessionId = key is null ? Ids.NewSessionId() : Ids.PageLoadSessionId(key, request.VisitorId, events[0].EventId);
            // A visitor id made here is new (its count is 1) and sits on the session's slot, so the session's script
            // counts and indexes it too: a new visitor's landing is one script. A known visitor's count comes first,
            // from its own slot.
            var newVisitor = request.VisitorId is null;
            var visitorId = request.VisitorId ?? (key is null ? Ids.NewVisitorId(sessionId) : Ids.PageLoadVisitorId(key, events[0].EventId, sessionId));
            var count = newVisitor ? 1 : await store.CountVisitAsync(visitorId, sessionId);
            var session = SessionFields.ForNewSession(sessionId, visitorId, count, request, landing, now, client);
            var created = await store.CreateAsync(
                session with { TouchJson = JsonSerializer.Serialize(landing.ToTouch(now), SessionsJson.Default.Touch) }, Writes(sessionId), ttl, now, newVisitor);
            if (created is { } c)
            {
                if (c.Full)
                {
                    metrics.Rejected("session");
                    return SessionLimits.Full(c.Held, o.MaxEventsPerSession, "this page load's events");
                }
                metrics.SessionCreated();
                metrics.EventsStored(c.Accepted, c.Duplicates);
                return TypedResults.Created($"/session/{sessionId}", new SessionResponse(sessionId, visitorId, IsNew: true, now + (long)ttl.TotalMilliseconds, Accepted(c)));
            }
            existing = sessionId; // the derived session exists: a retried page load
            derive = false;
        }
        throw new InvalidOperationException("a page load's session neither exists nor could be created");

        EventsAccepted? Accepted(PageLoad load) => request.Events is null ? null : new EventsAccepted(load.Accepted, load.Duplicates);
    }

    internal static async Task<Results<Ok<SessionView>, ProblemHttpResult>> Get(string id, SessionStore store)
    {
        if (!Ids.IsSessionId(id))
        {
            return Problems.UnknownSession("id");
        }
        var found = await store.ReadAsync(id);
        if (found is not { } session)
        {
            return Problems.UnknownSession("id");
        }
        var attributes = session.Attributes.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        var events = session.Events.Select(e => JsonDocument.Parse(e.ToString()).RootElement).ToList();
        return TypedResults.Ok(new SessionView(id, attributes, events));
    }
}
