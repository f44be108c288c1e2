using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Edge;
using Tracking.Infrastructure;

namespace Tracking.Reports;

internal static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/reports").WithTags("Reports").RequireOpsKey()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/attribution", Attribution)
            .WithName("AttributionReport").WithSummary("Donations and revenue credited to sources, campaigns, contents or ad platforms under a model.")
            .WithQueryChoices<AttributionModel>("model").WithQueryChoices<AttributionGroup>("groupBy")
            .WithDescription("""
                `model`: first_touch, last_touch (default), linear or position_based; `groupBy`: source, campaign (default),
                content, selected_campaign (the fundraising campaign the visitor picked, CampaignSelected or the checkout's
                `campaign`: each donation wholly to it, whatever the model; `(none)` when none was picked) or platform (the ad
                platform the donation came from, `meta`, `google`, `tiktok` or `other`, decided when it was paid from the
                session's click ids, else its last touch's utm_source, see docs/reports.md: each donation wholly to it,
                whatever the model); `from`/`to`: UTC days (yyyy-MM-dd), default the 30 days up to today, at most 400 days.
                Computed from durable conversion records (each keeps its session's touch path), so it survives session expiry.
                Linear splits credit evenly; position_based gives 40/20/40 (50/50 with two touches). Direct visits never take
                credit; conversions without a campaign touch (expired session, direct traffic) are the `(unattributed)` row.
                Revenue is per currency, never added across currencies, and gross; `refunded` (refunds and open or lost disputes
                of the same donations, on the donation's day and credit) and `net` = revenue − refunded sit beside it.
                `Accept: text/csv` answers CSV.
                """)
            .ProducesTextToo(StatusCodes.Status200OK, "text/csv");
        group.MapGet("/funnel", Funnel)
            .WithName("FunnelReport").WithSummary("Sessions → content views → video milestones → checkouts → donations.")
            .WithDescription("""
                `from`/`to` as for /reports/attribution. `campaign` (a fundraising campaign id) gives that campaign's cohort:
                the sessions that selected it (CampaignSelected or a checkout for it), the steps they reached before or while
                it was their choice, their checkouts, and the donations to it. `utmCampaign` (at most 256 characters) gives
                the steps credited to that last-touch utm_campaign and its donations; the two do not combine. Counters are
                durable daily aggregates written with each fact. Each step counts once per session; `rate` is the count over
                the previous step's. `monthly`: recurring donors over the whole account (not filtered): `active` now, `new` and
                `cancelled` within the range, and `recurringRevenue`, the monthly recurring revenue of the active ones per
                currency (see docs/reports.md); their renewals are donations of their first payment's session in `daily`.
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
        HttpRequest request, ReportStore store, MonthlyDonorsReader monthly, TimeProvider clock, string? from, string? to, string? campaign, string? utmCampaign)
    {
        var (range, problem) = ReportRange.Parse(from, to, clock.GetUtcNow());
        if (problem is not null)
        {
            return problem;
        }
        if (campaign is not null && !Storage.Ids.IsSafe(campaign, 64))
        {
            return Problems.Invalid("campaign", "Must be a fundraising campaign id: 1-64 letters, digits, '_', '-', '.', ':' (a utm_campaign goes in utmCampaign).");
        }
        if (utmCampaign is { Length: > 256 })
        {
            return Problems.Invalid("utmCampaign", "Must be at most 256 characters.");
        }
        if (campaign is not null && utmCampaign is not null)
        {
            return Problems.Invalid("utmCampaign", "Cannot be combined with campaign: a campaign's cohort is not split by touch.");
        }
        var counters = campaign is null ? await store.CountersAsync(range!) : [];
        var cohorts = campaign is null ? [] : await store.CohortsAsync(range!);
        var report = ReportBuilder.Funnel(range!, campaign, utmCampaign, counters, cohorts, await store.ConversionsAsync(range!))
            with { Monthly = await monthly.ReadAsync(range!) };
        return WantsCsv(request) ? TypedResults.Text(Csv.Funnel(report), "text/csv; charset=utf-8") : TypedResults.Ok(report);
    }

    private static bool WantsCsv(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);
}
