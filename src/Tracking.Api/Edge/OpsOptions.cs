using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Edge;

/// <summary>The <c>Ops</c> section. No key = ops and report endpoints are disabled.</summary>
public sealed class OpsOptions
{
    public const string Section = "Ops";

    /// <summary>The shortest key accepted: a guessable key would make the wrong-key lockout the only defence.</summary>
    public const int MinKeyLength = 32;

    /// <summary>Bearer key for ops endpoints: at least <see cref="MinKeyLength"/> visible ASCII characters, random.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>How long the record of an erasure (hashed visitor id, time, counts; no personal data) is kept.</summary>
    public int ErasureAuditRetentionDays { get; set; } = 1095;
}

internal sealed class OpsOptionsValidator : IValidateOptions<OpsOptions>
{
    public ValidateOptionsResult Validate(string? name, OpsOptions options)
    {
        if (OptionRules.Range($"{OpsOptions.Section}:ErasureAuditRetentionDays", options.ErasureAuditRetentionDays, 1, 3650) is { } outOfRange)
        {
            return ValidateOptionsResult.Fail(outOfRange);
        }
        var key = options.ApiKey;
        if (key.Length == 0)
        {
            return ValidateOptionsResult.Success;
        }
        if (key.Length < OpsOptions.MinKeyLength)
        {
            // The length only, never the key.
            return ValidateOptionsResult.Fail($"{OpsOptions.Section}:ApiKey must be at least {OpsOptions.MinKeyLength} characters (got {key.Length}); leave it empty to disable ops endpoints.");
        }
        if (key.Any(c => c is < '!' or > '~'))
        {
            return ValidateOptionsResult.Fail($"{OpsOptions.Section}:ApiKey must be visible ASCII characters only (it travels in an Authorization header).");
        }
        return ValidateOptionsResult.Success;
    }
}
