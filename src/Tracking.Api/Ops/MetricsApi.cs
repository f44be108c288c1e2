using Microsoft.Extensions.Options;
using Tracking.Edge;
using Tracking.Infrastructure;

namespace Tracking.Ops;

/// <summary>With <c>Telemetry:Prometheus=true</c>: <c>GET /metrics</c> in Prometheus text format, behind the ops key.</summary>
internal static class MetricsApi
{
    public static void MapMetricsApi(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus)
        {
            return;
        }
        app.MapPrometheusScrapingEndpoint(Telemetry.MetricsPath, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (http, next) =>
        {
            if (await OpsKeyFilter.RefusalAsync(http) is { } refused)
            {
                await refused.ExecuteAsync(http);
                return;
            }
            await next(http);
        }), optionsName: null);
    }
}
