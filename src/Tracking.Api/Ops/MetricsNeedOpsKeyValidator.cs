using Microsoft.Extensions.Options;
using Tracking.Edge;
using Tracking.Infrastructure;

namespace Tracking.Ops;

/// <summary>/metrics is behind the ops key, so Prometheus turned on without one stops the start.</summary>
internal sealed class MetricsNeedOpsKeyValidator(IOptions<OpsOptions> ops) : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.Prometheus && string.IsNullOrEmpty(ops.Value.ApiKey)
            ? ValidateOptionsResult.Fail($"{TelemetryOptions.Section}:Prometheus=true needs Ops:ApiKey: /metrics is behind the ops key.")
            : ValidateOptionsResult.Success;
}
