using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Storage;

/// <summary>
/// <c>Reports:RetentionDays</c>: how long the daily aggregates and conversion records (what the reports read) live.
/// Kept here, beside the keys, because every script that counts a fact sets their TTL.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Reports";

    /// <summary>The longest range a report may cover (ReportRange.MaxDays): retention is never shorter.</summary>
    public const int MaxReportDays = 400;

    public int RetentionDays { get; set; } = 400;

    /// <summary>Seconds an aggregate or conversion key lives after its last write (its day plus the retention).</summary>
    public long Seconds => (long)TimeSpan.FromDays(RetentionDays + 1).TotalSeconds;
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) => OptionRules.Result(
        OptionRules.Range($"{RetentionOptions.Section}:RetentionDays", options.RetentionDays, RetentionOptions.MaxReportDays, 3650, why: "never shorter than the reports' longest range"));
}
