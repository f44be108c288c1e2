using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Edge;
using Tracking.Infrastructure;

namespace Tracking.Meta;

/// <summary><c>GET /ops/meta/quality</c>: Meta's Event Match Quality, deduplication and freshness for our dataset, without opening Events Manager.</summary>
internal static class MetaQualityApi
{
    public static IEndpointRouteBuilder MapMetaQualityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ops/meta/quality", Get).WithTags("Ops").RequireOpsKey()
            .WithName("GetMetaQuality").WithSummary("Meta's Dataset Quality API for the configured dataset: match quality per event, dedup coverage, freshness.")
            .WithDescription("""
                Asks Meta (cached for `Meta:QualityCacheFor`, default 5 minutes; `fetchedAt` says when). Per event: Event Match
                Quality 0–10 with Meta's band, the share of events carrying each identifier, Meta's diagnostics, event coverage,
                event_id coverage of browser and server events, upload frequency and ACR. A metric Meta did not report is null.
                404 when Meta is not configured; 502 naming Meta's error when Meta refuses (e.g. the token lacks the dataset's
                reporting permission); 503 with Retry-After when Meta is unreachable.
                """)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Ok<MetaQualityReport>, ProblemHttpResult>> Get(MetaQuality quality, IOptions<MetaOptions> options, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Meta is not configured", "Set Meta:PixelId and Meta:AccessToken to read Meta's dataset quality.");
        }
        var result = await quality.GetAsync(cancellationToken);
        if (result.Report is { } report)
        {
            return TypedResults.Ok(report);
        }
        if (result.Failure!.Unavailable)
        {
            response.Headers.RetryAfter = "60";
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Meta unavailable", result.Failure.Detail);
        }
        return Problems.Status(StatusCodes.Status502BadGateway, "Meta refused", result.Failure.Detail);
    }
}
