using Microsoft.Extensions.Options;
using Tracking.Delivery;

namespace Tracking.TikTok;

internal static class TikTokSetup
{
    /// <summary>TikTok Events API as an outbox destination: options (validated at start), Refit client, destination.</summary>
    public static IHostApplicationBuilder AddTikTokDestination(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TikTokOptions>().BindConfiguration(TikTokOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TikTokOptions>, TikTokOptionsValidator>();
        services.AddDestinationClient<ITikTokEventsApi>("tiktok", TikTokJson.Default.Options, sp => sp.GetRequiredService<IOptions<TikTokOptions>>().Value.BaseUrl);
        services.AddSingleton<IDestination, TikTokDestination>();
        return builder;
    }
}
