using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Storage;
using Tracking.Infrastructure;
using Tracking.Edge;

namespace Tracking.Events;

/// <summary>
/// <c>POST /signup</c>: the visitor left an e-mail address. The session is flagged (<c>email_signup</c>) and a
/// server-side Lead is stored and, for the session's first Tracking__MaxSignupsPerSession addresses, queued: Meta
/// <c>Lead</c> with <c>em</c> (SHA-256 of the trimmed lower-case address), PostHog <c>Email Signup</c> under the
/// visitor's own id (a typed address never identifies a person). The address itself is never stored or logged: only
/// its hash leaves, in the outbox entry.
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
                `{ sessionId, email, consent?, url?, referrer? }`. `consent` (boolean): whether the visitor agreed to be e-mailed, kept
                as the session's `email_consent`. `url`, `referrer` (absolute http(s), at most 2048 characters): the page signed up on
                and its document.referrer, the Lead's Meta `event_source_url` and `referrer_url` (without `url`, the Referer header,
                cross-origin often only the origin). One Lead per session and address (a repeat answers `duplicate: true`): Meta
                `Lead` with `em` (SHA-256 of the trimmed, lower-cased address), PostHog `Email Signup` under the visitor's own id,
                never an `$identify` (anyone can type any address; only a payer's address, verified by Stripe, identifies a person);
                the address itself is neither stored nor logged. A session sends at most Tracking__MaxSignupsPerSession Leads:
                later addresses are still recorded on the session (202) but sent nowhere. Tracking consent applies as for every event.
                400 naming `email` for anything that is not an address; 409 when the session holds Tracking__MaxEventsPerSession events.
                """)
            .WithJsonBody<SignupRequest>(alsoAs: "text/plain")
            .Produces<SignupAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireSiteWrite()
            .RequireStoreHeadroom();
        return app;
    }

    internal static async Task<Results<Accepted<SignupAccepted>, ProblemHttpResult>> Post(
        HttpContext http, RecordSignup signup, IOptions<SessionLimitOptions> options)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, EventsJson.Default.SignupRequest);
        if (problem is not null)
        {
            return problem;
        }
        if (SignupValidator.Validate(body!) is { Any: true } errors)
        {
            return errors.ToProblem();
        }
        // The page signed up on: the snippet sends it; else the Referer header (cross-origin often only the origin).
        var page = body!.Url ?? RefererPage.From(http.Request, EventValidator.MaxUrl);
        var result = await signup.RunAsync(body, ClientContext.From(http), page);
        var max = options.Value.MaxEventsPerSession;
        return result.Status switch
        {
            SignupStatus.UnknownSession => Problems.UnknownSession(),
            SignupStatus.SessionFull => SessionLimits.Full(max, max, "a signup"),
            _ => TypedResults.Accepted((string?)null, new SignupAccepted(result.EventId, result.Status == SignupStatus.Duplicate)),
        };
    }
}
