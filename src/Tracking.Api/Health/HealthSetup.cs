using Tracking.Infrastructure;

namespace Tracking.Health;

internal static class HealthSetup
{
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpJson(HealthJson.Default);
        return builder;
    }
}
