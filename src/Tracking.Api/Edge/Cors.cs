using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Tracking.Edge;

internal static class Cors
{
    public const string Sites = "sites";

    public static IServiceCollection AddSiteCors(this IServiceCollection services)
    {
        services.AddCors();
        // Origins come from validated options, so the policy is built once they are bound.
        services.AddOptions<CorsOptions>().Configure<IOptions<EdgeOptions>>((cors, tracking) =>
            cors.AddPolicy(Sites, policy => policy
                .WithOrigins(tracking.Value.AllowedOrigins)
                .WithMethods("GET", "POST")
                .WithHeaders("Content-Type")
                .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return services;
    }
}
