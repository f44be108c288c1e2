using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
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
                """)
            .WithJsonBody<SessionRequest>(alsoAs: "text/plain")
            .ProducesValidationProblem()
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
        HttpContext http, SessionStore store, IOptions<TrackingOptions> options, GeoIp geo, TimeProvider clock, TrackingMetrics metrics)
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

        var ttl = options.Value.SessionTtl;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var client = ClientContext.From(http, options.Value).Located(geo);
        var touch = landing!.HasCampaign ? JsonSerializer.Serialize(landing.ToTouch(now), SessionsJson.Default.Touch) : null;

        if (Ids.IsSessionId(request!.SessionId))
        {
            var visit = SessionFields.ForVisit(request, landing, now, client);
            var existingVisitor = await store.TouchAsync(visit with { TouchJson = touch }, ttl, Aggregates.Day(clock.GetUtcNow()));
            if (existingVisitor is { } touched)
            {
                if (touched.NewVisit && touched.Visitor.Length > 0)
                {
                    await store.CountReturnVisitAsync(touched.Visitor, request.SessionId!);
                }
                return TypedResults.Ok(new SessionResponse(request.SessionId!, touched.Visitor, IsNew: false, now + (long)ttl.TotalMilliseconds));
            }
        }

        // No id, or an unknown/expired one: a new session, never with an id the client chose.
        var visitorId = request.VisitorId ?? Ids.NewId();
        var sessionId = Ids.NewSessionId();
        var count = await store.CountVisitAsync(visitorId, sessionId);
        var session = SessionFields.ForNewSession(sessionId, visitorId, count, request, landing, now, client);
        await store.CreateAsync(session with { TouchJson = JsonSerializer.Serialize(landing.ToTouch(now), SessionsJson.Default.Touch) }, ttl, Aggregates.Day(clock.GetUtcNow()));
        metrics.SessionCreated();
        return TypedResults.Created($"/session/{session.SessionId}", new SessionResponse(session.SessionId, visitorId, IsNew: true, now + (long)ttl.TotalMilliseconds));
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
