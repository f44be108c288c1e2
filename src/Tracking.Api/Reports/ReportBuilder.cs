using Tracking.Infrastructure;
using Tracking.Sessions;
using Tracking.Storage;

namespace Tracking.Reports;

/// <summary>Turns stored aggregates and conversions into the attribution and funnel reports.</summary>
internal static class ReportBuilder
{
    public const string Unattributed = "(unattributed)";
    private static readonly string[] VideoSteps = [Aggregates.Video(25), Aggregates.Video(50), Aggregates.Video(75), Aggregates.Video(95)];

    public static AttributionReport Attribution(AttributionModel model, AttributionGroup groupBy, ReportRange range, Conversions stored)
    {
        var conversions = stored.Readable;
        var rows = new Dictionary<string, (double Donations, Dictionary<string, decimal> Revenue, Dictionary<string, decimal> Refunded)>(StringComparer.Ordinal);
        void Credit(string key, double credit, Conversion c)
        {
            var row = rows.TryGetValue(key, out var r) ? r : (0, new Dictionary<string, decimal>(StringComparer.Ordinal), new Dictionary<string, decimal>(StringComparer.Ordinal));
            row.Revenue[c.Currency] = row.Revenue.GetValueOrDefault(c.Currency) + (c.Amount * (decimal)credit);
            // A refund takes back from the rows the donation credited, in the same shares.
            row.Refunded[c.Currency] = row.Refunded.GetValueOrDefault(c.Currency) + (c.Refunded * (decimal)credit);
            rows[key] = (row.Donations + credit, row.Revenue, row.Refunded);
        }
        foreach (var conversion in conversions)
        {
            if (groupBy == AttributionGroup.SelectedCampaign)
            {
                // The campaign picked on the page is one choice, not a path of touches: it takes the whole donation.
                Credit(conversion.SelectedCampaign ?? "(none)", 1, conversion);
                continue;
            }
            if (groupBy == AttributionGroup.Platform)
            {
                // One platform per donation, decided from its click ids and utm_source when it was paid.
                Credit(conversion.AdPlatform, 1, conversion);
                continue;
            }
            var credits = AttributionModels.Credit(model, conversion.Touches);
            if (credits.Count == 0)
            {
                Credit(Unattributed, 1, conversion);
            }
            foreach (var (touch, credit) in credits)
            {
                Credit(KeyOf(touch, groupBy), credit, conversion);
            }
        }
        var total = conversions.Count;
        var result = rows
            .Select(r => new AttributionRow(r.Key, Math.Round(r.Value.Donations, 4), Rounded(r.Value.Revenue), total == 0 ? 0 : Math.Round(r.Value.Donations / total, 4),
                Rounded(r.Value.Refunded), Net(r.Value.Revenue, r.Value.Refunded)))
            .OrderByDescending(r => r.Donations).ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var revenue = conversions.GroupBy(c => c.Currency).ToDictionary(g => g.Key, g => g.Sum(c => c.Amount), StringComparer.Ordinal);
        var refunded = conversions.GroupBy(c => c.Currency).ToDictionary(g => g.Key, g => g.Sum(c => c.Refunded), StringComparer.Ordinal);
        return new AttributionReport(
            WireName<AttributionModel>.Of(model), WireName<AttributionGroup>.Of(groupBy), Day(range.From), Day(range.To), result,
            new AttributionTotals(total, revenue, Rounded(refunded), Net(revenue, refunded)), stored.Unreadable);
    }

    /// <param name="campaign">A fundraising campaign id: every step counts that campaign's cohort (the sessions that selected it, see Aggregates).</param>
    /// <param name="utmCampaign">A last-touch utm_campaign: every step counts the facts credited to it.</param>
    /// <param name="cohorts">"metric|campaign id" → count, from the campaign cohort counters.</param>
    public static FunnelReport Funnel(
        ReportRange range, string? campaign, string? utmCampaign, IReadOnlyDictionary<string, long> counters, IReadOnlyDictionary<string, long> cohorts, Conversions stored)
    {
        long Count(string metric) => campaign is not null
            ? cohorts.GetValueOrDefault(metric + "|" + campaign)
            : counters.Where(c => c.Key.StartsWith(metric + "|", StringComparison.Ordinal) && (utmCampaign is null || CampaignOf(c.Key) == utmCampaign)).Sum(c => c.Value);
        var matching = stored.Readable
            .Where(c => (utmCampaign is null || LastCampaign(c) == utmCampaign) && (campaign is null || c.SelectedCampaign == campaign)).ToList();
        var counts = new List<(string Step, long Count)>
        {
            ("sessions", Count(AggregateMetric.Sessions)),
            ("content_views", Count(AggregateMetric.ContentViews)),
        };
        counts.AddRange(VideoSteps.Select(v => (v, Count(v))));
        counts.Add(("checkouts", Count(AggregateMetric.Checkouts)));
        counts.Add(("donations", matching.Count));
        var steps = counts.Select((s, i) => new FunnelStep(
            s.Step, s.Count, i == 0 || counts[i - 1].Count == 0 ? null : Math.Round((double)s.Count / counts[i - 1].Count, 4))).ToList();

        var times = matching.Where(c => c.TimeToConversion is not null).Select(c => c.TimeToConversion!.Value).Order().ToList();
        long? median = times.Count == 0 ? null : times.Count % 2 == 1 ? times[times.Count / 2] : (times[(times.Count / 2) - 1] + times[times.Count / 2]) / 2;
        var byDay = matching.GroupBy(c => Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(c.At))).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var daily = range.Days().Select(day => byDay.TryGetValue(day, out var list)
            ? new DailyDonations(day, list.Count, list.GroupBy(c => c.Currency).ToDictionary(g => g.Key, g => g.Sum(c => c.Amount), StringComparer.Ordinal))
            : new DailyDonations(day, 0, new Dictionary<string, decimal>())).ToList();
        return new FunnelReport(Day(range.From), Day(range.To), campaign, utmCampaign, steps, median, daily, stored.Unreadable);
    }

    private static string KeyOf(Touch touch, AttributionGroup groupBy) => groupBy switch
    {
        AttributionGroup.Campaign => touch.Campaign ?? "(none)",
        AttributionGroup.Content => touch.Content ?? "(none)",
        _ => touch.Source,
    };

    // Counter names are "metric|source|medium|campaign|content".
    private static string? CampaignOf(string counter) => counter.Split('|') is { Length: 5 } parts ? parts[3] : null;

    private static string? LastCampaign(Conversion c) => c.Touches is { Count: > 0 } t ? t[^1].Campaign ?? "" : null;

    // Rounded to cents and without trailing zeros, so 10.00 reads 10.
    private static Dictionary<string, decimal> Rounded(Dictionary<string, decimal> revenue) =>
        revenue.ToDictionary(r => r.Key, r => Math.Round(r.Value, 2) / 1.000000000000000000000000000000000m, StringComparer.Ordinal);

    // Per currency, both rounded first, so net is exactly revenue minus refunded as the report shows them.
    private static Dictionary<string, decimal> Net(Dictionary<string, decimal> revenue, Dictionary<string, decimal> refunded)
    {
        var (gross, back) = (Rounded(revenue), Rounded(refunded));
        return gross.ToDictionary(r => r.Key, r => (r.Value - back.GetValueOrDefault(r.Key)) / 1.000000000000000000000000000000000m, StringComparer.Ordinal);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
