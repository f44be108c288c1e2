using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Events;
using Tracking.Infrastructure;

namespace Tracking.Sessions;

/// <summary>A validated <c>POST /session</c>: the request, its landing, and the page's first events.</summary>
internal sealed record SessionOpening(SessionRequest Request, Landing Landing, List<TrackedEvent> Events)
{
    /// <summary>The opening, or the problem naming what is wrong with <paramref name="request"/>.</summary>
    public static (SessionOpening? Opening, ProblemHttpResult? Problem) Validate(SessionRequest request, SessionLimitOptions o, DateTimeOffset now)
    {
        var (landing, errors) = SessionValidator.Validate(request);
        if (errors.Any)
        {
            return (null, errors.ToProblem());
        }
        var (events, invalid) = request.Events is { } posted ? EventValidator.ValidatePage(posted, o.MaxEventsPerBatch, now) : ([], null);
        return (invalid ?? SessionLimits.TooLarge(events, isBatch: true, o.MaxEventBytes)) is { } refused
            ? (null, refused)
            : (new SessionOpening(request, landing!, events), null);
    }
}

/// <summary>What <see cref="OpenSession"/> did: the session created or touched, or (null) refused as full or over budget.</summary>
/// <param name="Held">The session's events, when it is full (nothing was written).</param>
/// <param name="RetryAfter">When the client's new-session budget is spent (nothing was written): when its window ends.</param>
internal sealed record OpenedSession(SessionResponse? Session, long Held = 0, TimeSpan? RetryAfter = null)
{
    public bool OverBudget => RetryAfter is not null;

    public bool Full => Session is null && !OverBudget;

    public static OpenedSession Refused(TimeSpan retryAfter) => new(null, RetryAfter: retryAfter);
}
