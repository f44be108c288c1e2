using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Edge;
using Tracking.Infrastructure;
using Tracking.PostHog;
using Tracking.Storage;

namespace Tracking.Privacy;

/// <summary>
/// Data-subject requests: export and erasure of everything kept about a visitor, found by visitor id or by e-mail.
/// An e-mail address travels only in a request body: URLs land in access, proxy and CDN logs.
/// </summary>
internal static class VisitorsApi
{
    private const string EmailInBody =
        "An e-mail address never goes in a URL (access and CDN logs keep URLs): send { \"email\": … } in the body of POST /ops/visitors/export or POST /ops/visitors/erase.";

    public static IEndpointRouteBuilder MapVisitorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ops/visitors").WithTags("Privacy").RequireOpsKey()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.AddEndpointFilter(async (context, next) =>
            HasEmailInUrl(context.HttpContext.Request) ? Problems.Invalid("email", EmailInBody) : await next(context));
        group.MapPost("/export", ExportFound).WithName("ExportVisitors")
            .WithSummary("Everything kept about the visitors found by e-mail or visitor id: sessions (attributes, client IP/UA, events, touches, Stripe ledger), conversions, PostHog ids, pending and dead outbox entries.")
            .WithDescription("""
                Body: exactly one of `email` (the address as given at signup or to Stripe; trimmed and lower-cased, then hashed:
                every visitor who signed up or paid with it) and `visitorId` (the id the snippet keeps in localStorage, `visitorId`
                of POST /session). 404 when nothing is kept about them.
                """)
            .WithJsonBody<VisitorRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/erase", EraseFound).WithName("EraseVisitors")
            .WithSummary("Erases everything kept about the visitors found by e-mail or visitor id; conversions keep amount, currency, time and attribution path only.")
            .WithDescription("""
                Body: exactly one of `email` (every visitor who signed up or paid with the address; the address's index goes too)
                and `visitorId`. Deletes every session key, event, touch, client record, Stripe ledger link, the visitor counter
                and index, and the visitors' pending and dead outbox entries; an entry a worker leased before is dropped when it
                would be sent. Conversion records lose their session and checkout ids and their path's free-text fields
                (utm_content, utm_term), so reports by source, medium and campaign do not change. Keeps an audit record (hashed
                visitor id, time, counts) for Ops__ErasureAuditRetentionDays. When PostHog__PersonalApiKey and PostHog__ProjectId
                are set, asks PostHog to delete the persons (and their events) of the distinct ids only these visitors' records
                carry; an id another visitor's records carry too is kept (`postHogPersonsKept`), so erasing one visitor never
                deletes another's person. The answer counts what was found (`sessions`, `conversions`, `signups`, `emailHashes`),
                removed, and asked of PostHog (`postHogPersonsAsked`; `postHog`: accepted, failed or not-configured). Meta offers no
                deletion of Conversions API events.
                """)
            .WithJsonBody<VisitorRequest>();
        group.MapGet("/{visitorId}", Export).WithName("ExportVisitor")
            .WithSummary("Everything kept about one visitor id (see POST /ops/visitors/export).")
            .WithDescription("404 when nothing is kept about that visitor id. An e-mail address is refused here (400): use POST /ops/visitors/export.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{visitorId}", Erase).WithName("EraseVisitor")
            .WithSummary("Erases everything kept about one visitor id (see POST /ops/visitors/erase).")
            .WithDescription("An e-mail address is refused here (400): use POST /ops/visitors/erase.");
        // Where an address used to go in the query string: always refused, saying where it goes now.
        group.MapGet("/", RefuseEmailInUrl).WithName("FindVisitorsByEmailInUrl")
            .WithSummary("Always 400: an e-mail address never goes in a URL; use POST /ops/visitors/export with the address in the body.");
        group.MapDelete("/", RefuseEmailInUrl).WithName("EraseVisitorsByEmailInUrl")
            .WithSummary("Always 400: an e-mail address never goes in a URL; use POST /ops/visitors/erase with the address in the body.");
        return app;
    }

    private static bool HasEmailInUrl(HttpRequest request) =>
        request.Query.Any(q => q.Key.Contains("email", StringComparison.OrdinalIgnoreCase) || q.Value.Any(v => v?.Contains('@', StringComparison.Ordinal) == true))
        || request.Path.Value?.Contains('@', StringComparison.Ordinal) == true;

    internal static ProblemHttpResult RefuseEmailInUrl() => Problems.Invalid("email", EmailInBody);

    private static ProblemHttpResult? CheckVisitor(string visitorId) =>
        Ids.IsSafe(visitorId, 64) ? null : Problems.Invalid("visitorId", "Must be a visitor id (letters, digits, '-', '_', at most 64).");

    /// <summary>The visitors a request names: its visitor id, or every visitor indexed under its e-mail's hash.</summary>
    private static async Task<(IReadOnlyList<string> Visitors, string? EmailHash, ProblemHttpResult? Problem)> FindAsync(HttpRequest http, VisitorStore store)
    {
        var (body, problem) = await JsonBody.ReadAsync(http, PrivacyJson.Default.VisitorRequest);
        if (problem is not null)
        {
            return ([], null, problem);
        }
        return (body!.Email, body.VisitorId) switch
        {
            (null, null) or ({ }, { }) => ([], null, Problems.Invalid("email", "Exactly one of email and visitorId is required.")),
            (null, var visitor) => CheckVisitor(visitor) is { } bad ? ([], null, bad) : ([visitor], null, null),
            (var email, _) when !EmailAddress.IsValid(email) => ([], null, Problems.Invalid("email", EmailAddress.Rule)),
            (var email, _) => await ByEmailAsync(Hashing.Email(email)!, store),
        };
    }

    private static async Task<(IReadOnlyList<string>, string?, ProblemHttpResult?)> ByEmailAsync(string hash, VisitorStore store) =>
        ((await store.VisitorsByEmailAsync(hash)).Where(v => Ids.IsSafe(v, 64)).ToList(), hash, null);

    internal static async Task<Results<Ok<VisitorsExport>, ProblemHttpResult>> ExportFound(HttpRequest http, VisitorStore store)
    {
        var (visitors, _, problem) = await FindAsync(http, store);
        if (problem is not null)
        {
            return problem;
        }
        var found = new List<VisitorExport>();
        foreach (var visitor in visitors)
        {
            if (await store.ExportAsync(visitor) is { } export)
            {
                found.Add(export);
            }
        }
        return found.Count > 0
            ? TypedResults.Ok(new VisitorsExport(found))
            : Problems.Status(StatusCodes.Status404NotFound, "Unknown visitor", "Nothing is kept about this e-mail address or visitor id.", "email");
    }

    internal static async Task<Results<Ok<ErasureResult>, ProblemHttpResult>> EraseFound(
        HttpRequest http, VisitorStore store, PostHogErasure posthog, IOptions<OpsOptions> ops, TimeProvider clock, CancellationToken ct)
    {
        var (visitors, emailHash, problem) = await FindAsync(http, store);
        if (problem is not null)
        {
            return problem;
        }
        var total = ErasureResult.Nothing;
        foreach (var visitor in visitors)
        {
            total = total.Plus(await EraseOneAsync(visitor, store, posthog, ops.Value, clock, ct));
        }
        if (emailHash is not null)
        {
            await store.DeleteEmailAsync(emailHash);
        }
        return TypedResults.Ok(total);
    }

    internal static async Task<Results<Ok<VisitorExport>, ProblemHttpResult>> Export(string visitorId, VisitorStore store)
    {
        if (CheckVisitor(visitorId) is { } problem)
        {
            return problem;
        }
        return await store.ExportAsync(visitorId) is { } found
            ? TypedResults.Ok(found)
            : Problems.Status(StatusCodes.Status404NotFound, "Unknown visitor", "Nothing is kept about this visitor id.", "visitorId");
    }

    internal static async Task<Results<Ok<ErasureResult>, ProblemHttpResult>> Erase(
        string visitorId, VisitorStore store, PostHogErasure posthog, IOptions<OpsOptions> ops, TimeProvider clock, CancellationToken ct)
    {
        if (CheckVisitor(visitorId) is { } problem)
        {
            return problem;
        }
        return TypedResults.Ok(await EraseOneAsync(visitorId, store, posthog, ops.Value, clock, ct));
    }

    private static async Task<ErasureResult> EraseOneAsync(string visitorId, VisitorStore store, PostHogErasure posthog, OpsOptions ops, TimeProvider clock, CancellationToken ct)
    {
        var persons = await store.PostHogPersonsAsync(visitorId);
        var result = await store.EraseAsync(visitorId);
        var asked = await posthog.DeleteAsync(persons.Delete, ct);
        result = result with
        {
            PostHog = asked.Status, PostHogPersonsAsked = asked.Asked, PostHogPersonsKept = persons.Kept.Count,
        };
        await store.AuditAsync(visitorId, result, clock.GetUtcNow().ToUnixTimeMilliseconds(), TimeSpan.FromDays(ops.ErasureAuditRetentionDays));
        return result;
    }
}
