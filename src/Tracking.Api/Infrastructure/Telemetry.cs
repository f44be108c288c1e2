using System.Reflection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tracking.Infrastructure;

/// <summary>The <c>Telemetry</c> section.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Serve every metric in Prometheus text format at <c>/metrics</c> on the service port, behind the ops key.</summary>
    public bool Prometheus { get; set; }
}

/// <summary>
/// OpenTelemetry: one resource for every signal (<c>service.name</c> <c>tracking</c>, version, environment, a per-process
/// instance id; the standard <c>OTEL_SERVICE_NAME</c> / <c>OTEL_RESOURCE_ATTRIBUTES</c> override them), metrics always
/// recorded, OTLP export of traces, metrics and logs when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and an optional
/// Prometheus scrape endpoint.
/// </summary>
internal static class Telemetry
{
    public const string ServiceName = "tracking";
    public const string MetricsPath = "/metrics";

    public static string Version { get; } =
        typeof(Telemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Telemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    public static void AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        var prometheus = builder.Configuration.GetValue<bool>($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.Prometheus)}");
        var environment = builder.Environment.EnvironmentName.ToLowerInvariant();
        // service.instance.id: two replicas (or one restarted) never share it, so their series stay apart.
        var instance = Guid.NewGuid().ToString();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName, serviceVersion: Version, serviceInstanceId: instance)
                .AddAttributes([
                    new("deployment.environment", environment),
                    new("deployment.environment.name", environment),
                    new("host.name", Environment.MachineName),
                ])
                // Added last so the operator's standard variables win over the defaults above.
                .AddEnvironmentVariableDetector())
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter(TrackingMetrics.MeterName, "Polly");
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // No exporter, no spans: recording a trace per request that nobody receives costs throughput for nothing.
            return;
        }
        otel.WithTracing(tracing => tracing
                // Probes and scrapes every few seconds would drown real traces.
                .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
                    && !http.Request.Path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
    }
}
