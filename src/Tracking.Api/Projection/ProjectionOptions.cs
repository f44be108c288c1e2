using Microsoft.Extensions.Options;

namespace Tracking.Projection;

/// <summary><c>Reports:MaxLagSeconds</c>: how far the daily counters may lag behind the facts before /health/ready says degraded.</summary>
public sealed class ProjectionOptions
{
    public const string Section = "Reports";

    public int MaxLagSeconds { get; set; } = 60;
}

internal sealed class ProjectionOptionsValidator : IValidateOptions<ProjectionOptions>
{
    public ValidateOptionsResult Validate(string? name, ProjectionOptions options) =>
        options.MaxLagSeconds is < 1 or > 86_400
            ? ValidateOptionsResult.Fail($"Reports:MaxLagSeconds must be between 1 and 86400 (got {options.MaxLagSeconds}).")
            : ValidateOptionsResult.Success;
}
