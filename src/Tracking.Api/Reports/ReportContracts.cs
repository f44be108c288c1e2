namespace Tracking.Reports;

public sealed record AttributionRow(string Key, double Donations, IReadOnlyDictionary<string, decimal> Revenue, double Share);

public sealed record AttributionTotals(int Donations, IReadOnlyDictionary<string, decimal> Revenue);

public sealed record AttributionReport(string Model, string GroupBy, string From, string To, IReadOnlyList<AttributionRow> Rows, AttributionTotals Totals);

public sealed record FunnelStep(string Step, long Count, double? Rate);

public sealed record DailyDonations(string Day, int Donations, IReadOnlyDictionary<string, decimal> Revenue);

public sealed record FunnelReport(
    string From, string To, string? Campaign, IReadOnlyList<FunnelStep> Steps, long? MedianTimeToConversionMs, IReadOnlyList<DailyDonations> Daily);

/// <summary>A stored conversion: amount, currency, when, and the touch path of its session (empty = unattributed).</summary>
internal sealed record ConversionRecord(
    string CheckoutSessionId, string SessionId, decimal Amount, string Currency, long At, List<Sessions.Touch>? Touches = null, long? TimeToConversion = null);
