using System.Globalization;
using System.Text;

namespace Tracking.Reports;

/// <summary>Spreadsheet-ready CSV (RFC 4180): one column per currency, values quoted when needed.</summary>
internal static class Csv
{
    public static string Attribution(AttributionReport report)
    {
        var currencies = report.Totals.Revenue.Keys.Order(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder();
        // Gross, refunded and net per currency, net last: the figure a spreadsheet sums.
        Line(csv, ["key", "donations", "share", .. currencies.Select(c => "revenue_" + c), .. currencies.Select(c => "refunded_" + c), .. currencies.Select(c => "net_" + c)]);
        foreach (var row in report.Rows)
        {
            Line(csv, [row.Key, Number(row.Donations), Number(row.Share), .. currencies.Select(c => Number(row.Revenue.GetValueOrDefault(c))),
                .. currencies.Select(c => Number(row.Refunded.GetValueOrDefault(c))), .. currencies.Select(c => Number(row.Net.GetValueOrDefault(c)))]);
        }
        return csv.ToString();
    }

    public static string Funnel(FunnelReport report)
    {
        var csv = new StringBuilder();
        Line(csv, ["step", "count", "rate"]);
        foreach (var step in report.Steps)
        {
            Line(csv, [step.Step, Number(step.Count), step.Rate is { } r ? Number(r) : ""]);
        }
        return csv.ToString();
    }

    private static void Line(StringBuilder csv, IEnumerable<string> cells) =>
        csv.Append(string.Join(',', cells.Select(Escape))).Append("\r\n");

    private static string Escape(string value)
    {
        // A leading =, +, - or @ would run as a formula in a spreadsheet: neutralise it.
        if (value.Length > 0 && value[0] is '=' or '+' or '@' or '-' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
