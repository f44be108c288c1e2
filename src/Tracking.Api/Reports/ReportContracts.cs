namespace Tracking.Reports;

/// <param name="Revenue">Gross: what the credited donations paid, per currency.</param>
/// <param name="Refunded">What Stripe took back from those donations since (refunds, open or lost disputes), on the same credit.</param>
/// <param name="Net">Revenue minus refunded.</param>
public sealed record AttributionRow(
    string Key, double Donations, IReadOnlyDictionary<string, decimal> Revenue, double Share,
    IReadOnlyDictionary<string, decimal> Refunded, IReadOnlyDictionary<string, decimal> Net);

public sealed record AttributionTotals(
    int Donations, IReadOnlyDictionary<string, decimal> Revenue, IReadOnlyDictionary<string, decimal> Refunded, IReadOnlyDictionary<string, decimal> Net);

/// <param name="UnreadableConversions">Stored conversions that could not be read (logged as errors); 0 unless something is wrong.</param>
public sealed record AttributionReport(
    string Model, string GroupBy, string From, string To, IReadOnlyList<AttributionRow> Rows, AttributionTotals Totals, int UnreadableConversions);

public sealed record FunnelStep(string Step, long Count, double? Rate);

public sealed record DailyDonations(string Day, int Donations, IReadOnlyDictionary<string, decimal> Revenue);

/// <param name="Campaign">The <c>campaign</c> filter: a fundraising campaign id; every step is that campaign's cohort.</param>
/// <param name="UtmCampaign">The <c>utmCampaign</c> filter: every step counts what was credited to that last-touch utm_campaign.</param>
/// <param name="Monthly">Recurring donors over the whole account (not split by <c>campaign</c> or <c>utmCampaign</c>).</param>
public sealed record FunnelReport(
    string From, string To, string? Campaign, string? UtmCampaign, IReadOnlyList<FunnelStep> Steps, long? MedianTimeToConversionMs,
    IReadOnlyList<DailyDonations> Daily, int UnreadableConversions, MonthlyDonors? Monthly = null);

/// <summary>Recurring donations: their renewals are donations like any other (attribution and daily rows count them).</summary>
/// <param name="Active">Recurring donations paying now (a first payment recorded, no cancellation yet), whatever the range.</param>
/// <param name="New">First payments of recurring donations within the range.</param>
/// <param name="Cancelled">Recurring donations that ended within the range.</param>
/// <param name="RecurringRevenue">Monthly recurring revenue of the active ones, per currency: each one's amount per month
/// (a yearly one's amount / 12, a weekly one's × 52 / 12).</param>
public sealed record MonthlyDonors(long Active, long New, long Cancelled, IReadOnlyDictionary<string, decimal> RecurringRevenue);

/// <summary>A conversion as reports read it: the stored record and its session's touch path (empty = unattributed).</summary>
/// <param name="Platform">The ad platform stored with the conversion; for a record written before it was kept, the one its last touch's source names.</param>
/// <param name="Refunded">What Stripe took back from it since (major units): counted on the donation's day and attribution.</param>
internal sealed record Conversion(
    decimal Amount, string Currency, long At, IReadOnlyList<Sessions.Touch> Touches, string? SelectedCampaign = null, string? Platform = null, decimal Refunded = 0)
{
    public string AdPlatform => Platform ?? ClickIds.AdPlatform.OfSource(Touches.Count > 0 ? Touches[^1].Source : null);

    /// <summary>From the first touch (the session's start) to the payment; unknown when the session had expired.</summary>
    public long? TimeToConversion => Touches.Count > 0 ? Math.Max(0, At - Touches[0].Timestamp) : null;
}
