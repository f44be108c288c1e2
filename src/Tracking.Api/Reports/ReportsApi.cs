using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Infrastructure;

namespace Tracking.Reports;

internal static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/reports").WithTags("Reports").RequireOpsKey()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/attribution", Attribution)
            .WithName("AttributionReport").WithSummary("Donations and revenue credited to sources, campaigns or contents under a model.")
            .WithQueryChoices<AttributionModel>("model").WithQueryChoices<AttributionGroup>("groupBy")
            .WithDescription("""
                `model`: first_touch, last_touch (default), linear or position_based; `groupBy`: source, campaign (default),
                content or selected_campaign (the fundraising campaign the visitor picked, CampaignSelected or the checkout's
                `campaign`: each donation wholly to it, whatever the model; `(none)` when none was picked); `from`/`to`: UTC days (yyyy-MM-dd), default the 30 days up to today, at most 400 days.
                Computed from durable conversion records (each keeps its session's touch path), so it survives session expiry.
                Linear splits credit evenly; position_based gives 40/20/40 (50/50 with two touches). Direct visits never take
                credit; conversions without a campaign touch (expired session, direct traffic) are the `(unattributed)` row.
                Revenue is per currency, never added across currencies. `Accept: text/csv` answers CSV.
                """)
            .ProducesTextToo(StatusCodes.Status200OK, "text/csv");
        group.MapGet("/funnel", Funnel)
            .WithName("FunnelReport").WithSummary("Sessions → content views → video milestones → checkouts → donations.")
            .WithDescription("""
                `from`/`to` as for /reports/attribution; `campaign` (at most 256 characters) filters on the last touch;
                `selectedCampaign` (a campaign id) keeps only donations to that fundraising campaign (the donations step, daily
                revenue and median time to conversion; the counted steps before it are credited to touches, not to selections).
                Counters are durable daily aggregates written with each fact and credited to the session's last touch at that
                moment. Each step counts once per session; `rate` is the count over the previous step's.
                `Accept: text/csv` answers CSV.
                """)
            .ProducesTextToo(StatusCodes.Status200OK, "text/csv");
        return app;
    }

    internal static async Task<Results<Ok<AttributionReport>, ContentHttpResult, ProblemHttpResult>> Attribution(
        HttpRequest request, ReportStore store, TimeProvider clock, string? model, string? from, string? to, string? groupBy)
    {
        if (!WireName<AttributionModel>.TryParse(model ?? "last_touch", out var attribution))
        {
            return Problems.Invalid("model", $"Must be {WireName<AttributionModel>.Choices()}.");
        }
        if (!WireName<AttributionGroup>.TryParse(groupBy ?? "campaign", out var group))
        {
            return Problems.Invalid("groupBy", $"Must be {WireName<AttributionGroup>.Choices()}.");
        }
        var (range, problem) = ReportRange.Parse(from, to, clock.GetUtcNow());
        if (problem is not null)
        {
            return problem;
        }
        var report = ReportBuilder.Attribution(attribution, group, range!, await store.ConversionsAsync(range!));
        return WantsCsv(request) ? TypedResults.Text(Csv.Attribution(report), "text/csv; charset=utf-8") : TypedResults.Ok(report);
    }

    internal static async Task<Results<Ok<FunnelReport>, ContentHttpResult, ProblemHttpResult>> Funnel(
        HttpRequest request, ReportStore store, TimeProvider clock, string? from, string? to, string? campaign, string? selectedCampaign)
    {
        var (range, problem) = ReportRange.Parse(from, to, clock.GetUtcNow());
        if (problem is not null)
        {
            return problem;
        }
        if (campaign is { Length: > 256 })
        {
            return Problems.Invalid("campaign", "Must be at most 256 characters.");
        }
        if (selectedCampaign is not null && !Storage.Ids.IsSafe(selectedCampaign, 64))
        {
            return Problems.Invalid("selectedCampaign", "Must be a campaign id: 1-64 letters, digits, '_', '-', '.', ':'.");
        }
        var counters = await store.CountersAsync(range!);
        var report = ReportBuilder.Funnel(range!, campaign, counters, await store.ConversionsAsync(range!), selectedCampaign);
        return WantsCsv(request) ? TypedResults.Text(Csv.Funnel(report), "text/csv; charset=utf-8") : TypedResults.Ok(report);
    }

    private static bool WantsCsv(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);
}
