using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Edge;
using Tracking.Infrastructure;
using Tracking.PostHog;
using Tracking.Storage;

namespace Tracking.Privacy;

/// <summary>Data-subject requests: export (<c>GET</c>) and erasure (<c>DELETE</c>) of everything kept about a visitor.</summary>
internal static class VisitorsApi
{
    public static IEndpointRouteBuilder MapVisitorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ops/visitors").WithTags("Privacy").RequireOpsKey()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{visitorId}", Export).WithName("ExportVisitor")
            .WithSummary("Everything kept about a visitor: sessions (attributes, client IP/UA, events, touches, Stripe ledger), conversions, pending and dead outbox entries.")
            .WithDescription("404 when nothing is kept about that visitor id (the id the snippet keeps in localStorage, `visitorId` of POST /session).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", Find).WithName("FindVisitors")
            .WithSummary("The visitors who paid with an e-mail address (kept only as its SHA-256).")
            .WithDescription("`email` (required): the address as the payer gave it to Stripe; trimmed and lower-cased before hashing.");
        group.MapDelete("/{visitorId}", Erase).WithName("EraseVisitor")
            .WithSummary("Erases everything kept about a visitor; conversions keep amount, currency, time and attribution path only.")
            .WithDescription("""
                Deletes every session key, event, touch, client record, Stripe ledger link, the visitor counter and index, and the
                visitor's pending and dead outbox entries; conversion records lose their session and checkout ids, so reports
                do not change. Keeps an audit record (hashed visitor id, time, counts) for Ops__ErasureAuditRetentionDays.
                When PostHog__PersonalApiKey and PostHog__ProjectId are set, asks PostHog to delete the person and its events
                (`posthog`: accepted, failed or not-configured). Meta offers no deletion of Conversions API events.
                """);
        group.MapDelete("/", EraseByEmail).WithName("EraseVisitorsByEmail")
            .WithSummary("Erases every visitor who paid with an e-mail address (see DELETE /ops/visitors/{visitorId}).")
            .WithDescription("`email` (required). Also deletes the e-mail's index entry.");
        return app;
    }

    private static ProblemHttpResult? CheckVisitor(string visitorId) =>
        Ids.IsSafe(visitorId, 64) ? null : Problems.Invalid("visitorId", "Must be a visitor id (letters, digits, '-', '_', at most 64).");

    private static (string? Hash, ProblemHttpResult? Problem) CheckEmail(string? email) =>
        email is null || email.Length > 254 || !email.Contains('@', StringComparison.Ordinal)
            ? (null, Problems.Invalid("email", "An e-mail address is required (at most 254 characters)."))
            : (Hashing.Email(email), null);

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

    internal static async Task<Results<Ok<VisitorMatches>, ProblemHttpResult>> Find(string? email, VisitorStore store)
    {
        var (hash, problem) = CheckEmail(email);
        return problem ?? (Results<Ok<VisitorMatches>, ProblemHttpResult>)TypedResults.Ok(new VisitorMatches(await store.VisitorsByEmailAsync(hash!)));
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

    internal static async Task<Results<Ok<ErasureResult>, ProblemHttpResult>> EraseByEmail(
        string? email, VisitorStore store, PostHogErasure posthog, IOptions<OpsOptions> ops, TimeProvider clock, CancellationToken ct)
    {
        var (hash, problem) = CheckEmail(email);
        if (problem is not null)
        {
            return problem;
        }
        var total = new ErasureResult(0, 0, 0, 0, 0, 0, "not-configured");
        foreach (var visitor in await store.VisitorsByEmailAsync(hash!))
        {
            if (Ids.IsSafe(visitor, 64))
            {
                var one = await EraseOneAsync(visitor, store, posthog, ops.Value, clock, ct);
                total = new ErasureResult(total.Visitors + 1, total.Sessions + one.Sessions, total.KeysDeleted + one.KeysDeleted,
                    total.PendingEntries + one.PendingEntries, total.DeadLetters + one.DeadLetters, total.ConversionsAnonymised + one.ConversionsAnonymised,
                    total.PostHog == "failed" ? "failed" : one.PostHog);
            }
        }
        await store.DeleteEmailAsync(hash!);
        return TypedResults.Ok(total);
    }

    private static async Task<ErasureResult> EraseOneAsync(string visitorId, VisitorStore store, PostHogErasure posthog, OpsOptions ops, TimeProvider clock, CancellationToken ct)
    {
        var distinctIds = await store.PostHogIdsAsync(visitorId);
        var result = await store.EraseAsync(visitorId);
        result = result with { PostHog = await posthog.DeleteAsync(distinctIds, ct) };
        await store.AuditAsync(visitorId, result, clock.GetUtcNow().ToUnixTimeMilliseconds(), TimeSpan.FromDays(ops.ErasureAuditRetentionDays));
        return result;
    }
}
