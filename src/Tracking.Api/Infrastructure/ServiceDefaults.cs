using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Tracking.Infrastructure;

/// <summary>Cross-cutting wiring: options, limits, problem details, proxies, telemetry.</summary>
internal static class ServiceDefaults
{
    public const long MaxBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TrackingOptions>().BindConfiguration(TrackingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrackingOptions>, TrackingOptionsValidator>();
        services.AddSingleton<GeoIp>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TrackingMetrics>();
        services.AddOptions<OpsOptions>().BindConfiguration(OpsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OpsOptions>, OpsOptionsValidator>();
        services.AddSingleton<OpsKeyFailures>();

        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            // Slow senders are cut off: at least 240 bytes/s after a 5 s grace.
            kestrel.Limits.MinRequestBodyDataRate = new(240, TimeSpan.FromSeconds(5));
        });
        services.AddProblemDetails();
        services.AddOpenApiDocument();
        services.AddExceptionHandler<StoreUnavailableHandler>();
        services.AddPerIpRateLimiting();
        services.AddSiteCors();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrackingOptions>>((forwarded, tracking) =>
        {
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in tracking.Value.ParsedProxies())
            {
                forwarded.KnownIPNetworks.Add(network);
            }
            // With both lists empty the middleware would believe any sender, so no proxies means no forwarding.
            forwarded.ForwardedHeaders = forwarded.KnownIPNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });
        builder.AddTelemetry();
        return builder;
    }

    /// <summary>Adds a capability's source-generated JSON to the HTTP JSON options (each capability registers its own).</summary>
    public static IServiceCollection AddHttpJson(this IServiceCollection services, System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver resolver) =>
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(resolver));

    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        // Before the forwarded headers replace the peer's address with the client's: only a proxy peer's headers count.
        ProxyPeer.Capture(app);
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseRateLimiter();
        app.MapMetricsEndpoint();
        return app;
    }
}
