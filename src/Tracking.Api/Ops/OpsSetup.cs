using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Ops;

internal static class OpsSetup
{
    public static IHostApplicationBuilder AddOps(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpJson(OpsJson.Default);
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>, MetricsNeedOpsKeyValidator>();
        return builder;
    }

    public static WebApplication MapOps(this WebApplication app)
    {
        app.MapDeliveriesApi();
        app.MapMetricsApi();
        return app;
    }
}
