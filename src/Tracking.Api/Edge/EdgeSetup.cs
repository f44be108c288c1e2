using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Tracking.Edge;

/// <summary>The edge: who the client is (address behind trusted proxies, geography) and what it may do (origins, rate limits, the ops key).</summary>
internal static class EdgeSetup
{
    public static IHostApplicationBuilder AddEdge(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EdgeOptions>().BindConfiguration(EdgeOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EdgeOptions>>(sp => new EdgeOptionsValidator(sp.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton<GeoIp>();
        services.AddOptions<OpsOptions>().BindConfiguration(OpsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OpsOptions>, OpsOptionsValidator>();
        services.AddSingleton<ClientBudgets>();
        services.AddSingleton<OpsKeyFailures>();
        services.AddPerIpRateLimiting();
        services.AddSiteCors();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<EdgeOptions>>((forwarded, edge) =>
        {
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in edge.Value.ParsedProxies())
            {
                forwarded.KnownIPNetworks.Add(network);
            }
            forwarded.ForwardLimit = edge.Value.ForwardLimit;
            // With both lists empty the middleware would believe any sender, so no proxies means no forwarding.
            forwarded.ForwardedHeaders = forwarded.KnownIPNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });
        return builder;
    }

    public static WebApplication UseEdge(this WebApplication app)
    {
        // Before the forwarded headers replace the peer's address with the client's: only a proxy peer's headers count.
        ProxyPeer.Capture(app);
        app.UseForwardedHeaders();
        app.UseCors();
        app.UseRateLimiter();
        return app;
    }
}
