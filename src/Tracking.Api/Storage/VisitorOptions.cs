using Microsoft.Extensions.Options;

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
    public ValidateOptionsResult Validate(string? name, VisitorOptions options)
    {
        var errors = new List<string>();
        const string S = VisitorOptions.Section;
        if (options.VisitorRetentionDays is < 1 or > 3650)
        {
            errors.Add($"{S}:VisitorRetentionDays must be between 1 and 3650 (got {options.VisitorRetentionDays}).");
        }
        if (options.MaxSessionsPerVisitor is < 1 or > 10_000)
        {
            errors.Add($"{S}:MaxSessionsPerVisitor must be between 1 and 10000 (got {options.MaxSessionsPerVisitor}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
