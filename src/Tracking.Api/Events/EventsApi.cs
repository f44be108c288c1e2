using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Events;

internal static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events", Post)
            .WithTags("Events")
            .WithName("PostEvents")
            .WithSummary("Record one event or a batch for a live session; idempotent by eventId.")
            .WithDescription("""
                One event, or `{ sessionId?, events: [...] }` with up to Tracking__MaxEventsPerBatch (50) events of one session.
                Server-only names are refused (403 naming `event`) in any case or spelling (`donation_completed`): `Purchase`,
                `InitiateCheckout`, `DonationFailed`, `Lead`, `CheckoutExpired`, what Meta and PostHog receive for them or rename our
                events to (`Donation Completed`, `Checkout Started`, `Content Viewed`, `Video Progress`) and any `$` name. Properties
                `value`, `currency`, `revenue` are stored, never forwarded to Meta or PostHog (revenue comes from Stripe only).
                `VideoProgress` needs `properties.content` and `properties.percent` in 25/50/75/95, each milestone stored once per
                content per session. A `timestamp` (ms) more than 24 h past or 5 min ahead is replaced by server time. A session holds
                at most Tracking__MaxEventsPerSession (1000) events: a request whose new events would pass that is refused whole (409,
                nothing stored); an event takes at most Tracking__MaxEventBytes (4096) as stored.
                """)
            .WithJsonBody<EventsRequest>(alsoAs: "text/plain")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireSiteWrite()
            .RequireStoreHeadroom();
        return app;
    }

    internal static async Task<Results<Accepted<EventsAccepted>, ProblemHttpResult>> Post(
        HttpContext http, EventStore store, Outbox outbox, IOptions<SessionLimitOptions> options, TimeProvider clock, TrackingMetrics metrics)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, EventsJson.Default.EventsRequest);
        if (problem is not null)
        {
            metrics.Rejected("events");
            return problem;
        }
        var now = clock.GetUtcNow();
        var (sessionId, events, invalid) = EventValidator.Validate(body!, options.Value.MaxEventsPerBatch, now);
        if ((invalid ?? SessionLimits.TooLarge(events, body!.Events is not null, options.Value.MaxEventBytes)) is { } refused)
        {
            metrics.Rejected("events");
            return refused;
        }
        if (!Ids.IsSessionId(sessionId))
        {
            metrics.Rejected("events");
            return Problems.UnknownSession();
        }
        var client = ClientContext.From(http);
        var writes = events.Select(e => new EventWrite(e, outbox.Queue(OutboxEntries.ForBrowserEvent(sessionId, e, client)))).ToList();
        var result = await store.AppendAsync(sessionId, writes, options.Value.SessionTtl, now.ToUnixTimeMilliseconds());
        if (result.Status != AppendStatus.Stored)
        {
            metrics.Rejected("events");
            return result.Status == AppendStatus.SessionFull
                ? SessionLimits.Full(result.Held, options.Value.MaxEventsPerSession, "this request's new events")
                : Problems.UnknownSession();
        }
        metrics.EventsStored(result.Accepted, result.Duplicates);
        return TypedResults.Accepted((string?)null, new EventsAccepted(result.Accepted, result.Duplicates));
    }
}
