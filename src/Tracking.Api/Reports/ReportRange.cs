using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Reports;

/// <summary>An inclusive range of UTC days, at most <see cref="MaxDays"/> long.</summary>
internal sealed record ReportRange(DateOnly From, DateOnly To)
{
    public const int MaxDays = RetentionOptions.MaxReportDays;

    public IEnumerable<string> Days()
    {
        for (var d = From; d <= To; d = d.AddDays(1))
        {
            yield return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Parses <c>from</c>/<c>to</c> (YYYY-MM-DD); both default to the last 30 days ending today.</summary>
    public static (ReportRange? Range, ProblemHttpResult? Problem) Parse(string? from, string? to, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = new FieldErrors();
        var toDay = ParseDay(to, today, "to", errors);
        var fromDay = ParseDay(from, toDay.AddDays(-29), "from", errors);
        if (errors.Any)
        {
            return (null, errors.ToProblem());
        }
        if (toDay < fromDay)
        {
            return (null, Problems.Invalid("to", "Must not be before 'from'."));
        }
        if (toDay.DayNumber - fromDay.DayNumber + 1 > MaxDays)
        {
            return (null, Problems.Invalid("to", $"A range covers at most {MaxDays} days."));
        }
        return (new ReportRange(fromDay, toDay), null);
    }

    private static DateOnly ParseDay(string? value, DateOnly fallback, string field, FieldErrors errors)
    {
        if (value is null)
        {
            return fallback;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }
        errors.Add(field, "Must be a date as YYYY-MM-DD.");
        return fallback;
    }
}
