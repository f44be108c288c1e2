using Microsoft.Extensions.Options;

namespace Tracking.Consent;

internal static class ConsentSetup
{
    public static IHostApplicationBuilder AddConsent(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsentOptions>().BindConfiguration(ConsentOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ConsentOptions>, ConsentOptionsValidator>();
        return builder;
    }
}
