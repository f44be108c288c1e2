namespace Tracking.Infrastructure;

/// <summary>Cross-cutting wiring: request limits, problem details, OpenAPI, telemetry.</summary>
internal static class ServiceDefaults
{
    public const long MaxBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TrackingMetrics>();

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
        builder.AddTelemetry();
        return builder;
    }

    /// <summary>Adds a capability's source-generated JSON to the HTTP JSON options (each capability registers its own).</summary>
    public static IServiceCollection AddHttpJson(this IServiceCollection services, System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver resolver) =>
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(resolver));

    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
