using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Storage;

/// <summary>The <c>Tracking</c> section's visitor settings: how long a visitor is remembered and how much of it.</summary>
public sealed class VisitorOptions
{
    public const string Section = "Tracking";

    /// <summary>Days a visitor's visit counter and index live after its last visit (a conversion keeps the index as long as its record).</summary>
    public int VisitorRetentionDays { get; set; } = 400;

    /// <summary>Sessions the visitor's index keeps (the newest); conversions and e-mail hashes are never trimmed.</summary>
    public int MaxSessionsPerVisitor { get; set; } = 100;

    public TimeSpan VisitorRetention => TimeSpan.FromDays(VisitorRetentionDays);
}

/// <summary>Start-up validation: a bad value stops the service with a message naming the configuration key.</summary>
internal sealed class VisitorOptionsValidator : IValidateOptions<VisitorOptions>
{
    public ValidateOptionsResult Validate(string? name, VisitorOptions options) => OptionRules.Result(
        OptionRules.Range($"{VisitorOptions.Section}:VisitorRetentionDays", options.VisitorRetentionDays, 1, 3650),
        OptionRules.Range($"{VisitorOptions.Section}:MaxSessionsPerVisitor", options.MaxSessionsPerVisitor, 1, 10_000));
}
