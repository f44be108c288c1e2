using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Infrastructure;

namespace Tracking.GoogleAds;

internal static class GoogleAdsSetup
{
    /// <summary>Google Ads (Data Manager API) as an outbox destination: options (validated at start), token, Refit client, destination.</summary>
    public static IHostApplicationBuilder AddGoogleAdsDestination(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GoogleAdsOptions>().BindConfiguration(GoogleAdsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<GoogleAdsOptions>, GoogleAdsOptionsValidator>();
        services.AddSingleton<GoogleAdsCredential>();
        services.AddTransient<GoogleAdsAuthHandler>();
        services.AddDestinationClient<IGoogleAdsApi>("googleads", GoogleAdsJson.Default.Options,
            sp => sp.GetRequiredService<IOptions<GoogleAdsOptions>>().Value.BaseUrl, client => client.AddHttpMessageHandler<GoogleAdsAuthHandler>());
        services.AddSingleton<GoogleAdsRequests>().AddHttpJson(GoogleAdsOpsJson.Default);
        services.AddSingleton<IDestination, GoogleAdsDestination>();
        services.AddHostedService<GoogleAdsStatusPoller>();
        return builder;
    }
}
