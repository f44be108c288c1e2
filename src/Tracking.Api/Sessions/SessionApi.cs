using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;
using Tracking.Edge;

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
                No `sessionId`, or an unknown/expired one, creates a session (201) with a server-chosen id; a live one is touched
                (200): campaign parameters become the new last touch, the TTL restarts (renewed once more than 30 s of it has run;
                `expiresAt` is when the store expires the session, on its clock, never later). UTMs, fbclid, gclid and ttclid are read from `url`'s
                query unless given explicitly. `events` (optional, at most Tracking__MaxEventsPerBatch; usually the PageView) are
                validated as a `POST /events` batch without session ids and stored in the same atomic script, so a page load is one
                request. `pageLoadKey` (optional): a random value the page keeps to itself and sends only here; the new session's id is
                derived from it, so a retry carrying the same key returns the session its first attempt created and stores nothing twice,
                and nothing the page gives others (its events' ids go to the Meta pixel) leads to that session. `visitorId` counts only
                when this service issued it (a signed id from an earlier answer); any other id is a new visitor, never an error.
                `posthogDistinctId` (posthog-js's id, at most 200 characters) is a claim: an id in the service's own namespaces
                (`email:…`, in any case) is a 400 naming it, since only the service gives those ids (to a payer Stripe verified).
                429 with Retry-After, nothing written: the client (IPv4 address or IPv6 /64) has created Tracking__NewSessionsPerMinute
                (30) sessions this minute, counted across replicas; touching a live session and `POST /events` still pass.
                409, not touched: the session's events are at Tracking__MaxEventsPerSession.
                503 when the store refused a write part way (the generic 503 otherwise records nothing): the session may have been
                made, its keys with their TTLs and none of its events marked seen, so the same request retried (same `pageLoadKey`)
                finds that session and stores its events.
                """)
            .WithJsonBody<SessionRequest>(alsoAs: "text/plain")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .RequireSiteOrigin()
            .RequireStoreHeadroom();
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
        HttpContext http, OpenSession open, IOptions<SessionLimitOptions> options, IOptions<EdgeOptions> edge, GeoIp geo, TimeProvider clock, TrackingMetrics metrics)
    {
        var o = options.Value;
        var (request, problem) = await JsonBody.ReadAsync(http.Request, SessionsJson.Default.SessionRequest);
        var (opening, refused) = problem is null ? SessionOpening.Validate(request!, o, clock.GetUtcNow()) : (null, problem);
        if (opening is null)
        {
            metrics.Rejected("session");
            return refused!;
        }
        var opened = await open.RunAsync(opening, ClientContext.From(http).Located(geo));
        if (opened.RetryAfter is { } wait)
        {
            var budget = ClientBudget.NewSessions(edge.Value);
            return RateLimiting.TooManyRequests(http, wait, budget.Setting,
                $"Over {budget.Setting}: {budget.Limit} new sessions a minute per client (IPv4 address or IPv6 /64); nothing was written. Events to live sessions still pass.");
        }
        if (opened.Session is not { } session)
        {
            metrics.Rejected("session");
            return SessionLimits.Full(opened.Held, o.MaxEventsPerSession, "this page load's events");
        }
        return session.IsNew ? TypedResults.Created($"/session/{session.SessionId}", session) : TypedResults.Ok(session);
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
