using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>
/// <c>POST /signup</c>: the visitor left an e-mail address. The session is flagged (<c>email_signup</c>) and a
/// server-side Lead is stored and queued: Meta <c>Lead</c> with <c>em</c> (SHA-256 of the trimmed lower-case address),
/// PostHog <c>Email Signup</c> (plus <c>$identify</c> as <c>email:{sha256}</c>). The address itself is never stored
/// or logged: only its hash leaves, in the outbox entry.
/// </summary>
internal static class SignupApi
{
    public static IEndpointRouteBuilder MapSignupApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/signup", Post)
            .WithTags("Events")
            .WithName("Signup")
            .WithSummary("Record an e-mail signup: email_signup on the session and a server-side Lead for Meta and PostHog.")
            .WithDescription("""
                `{ sessionId, email, consent?, url?, referrer? }`: `consent` (boolean) is whether the visitor agreed to be e-mailed,
                kept as the session's `email_consent`; `url` and `referrer` (absolute http(s), at most 2048 characters) are the
                page signed up on and its document.referrer, the Lead's Meta `event_source_url` and `referrer_url` (without
                `url`, the Referer header, which cross-origin is often only the origin). The Lead is recorded once per session and address (a repeat answers `duplicate: true`);
                Meta gets `Lead` with `em` (SHA-256 of the trimmed, lower-cased address), PostHog `Email Signup` and an
                `$identify` of `email:{sha256}`; the address itself is neither stored nor logged. Tracking consent applies as for
                every event. 400 naming `email` for anything that is not an address; 409 when the session holds
                Tracking__MaxEventsPerSession events.
                """)
            .WithJsonBody<SignupRequest>(alsoAs: "text/plain")
            .Produces<SignupAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireSiteWrite();
        return app;
    }

    internal static async Task<Results<Accepted<SignupAccepted>, ProblemHttpResult>> Post(
        HttpContext http, SignupStore store, Outbox outbox, IOptions<SessionLimitOptions> options, TimeProvider clock)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, EventsJson.Default.SignupRequest);
        if (problem is not null)
        {
            return problem;
        }
        var errors = new FieldErrors();
        if (body!.SessionId is null)
        {
            errors.Add("sessionId", "The session id is required.");
        }
        errors.SafeId("sessionId", body.SessionId);
        if (!EmailAddress.IsValid(body.Email))
        {
            errors.Add("email", EmailAddress.Rule);
        }
        errors.PageUrl("url", body.Url, EventValidator.MaxUrl);
        errors.PageUrl("referrer", body.Referrer, EventValidator.MaxUrl);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var sid = body.SessionId!;
        if (!Ids.IsSessionId(sid))
        {
            return Problems.UnknownSession();
        }
        var hash = Hashing.Email(body.Email)!;
        // One Lead per session and address; the id reveals neither (Meta deduplicates by it).
        var eventId = "lead_" + Hashing.Sha256($"lead:{sid}:{hash}")[..32];
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var client = ClientContext.From(http);
        // The page signed up on: the snippet sends it; else the Referer header (cross-origin often only the origin).
        var page = body.Url ?? RefererPage.From(http.Request, EventValidator.MaxUrl);
        var entry = outbox.Queue(new OutboxEntry(
            sid, eventId, EventNames.Lead, now, page,
            new() { ["step"] = JsonSerializer.SerializeToElement("email_capture", EventsJson.Default.String) },
            client.Ip, client.UserAgent, EmailHash: hash, Referrer: body.Referrer, VisitStart: OutboxEntry.VisitPending));
        var recorded = await store.RecordAsync(sid, eventId, now, ServerEventMember.Lead(eventId, now), entry, body.Consent, now);
        return recorded switch
        {
            0 => Problems.UnknownSession(),
            3 => SessionLimits.Full(options.Value.MaxEventsPerSession, options.Value.MaxEventsPerSession, "a signup"),
            _ => TypedResults.Accepted((string?)null, new SignupAccepted(eventId, recorded == 2)),
        };
    }
}
