using Tracking.Infrastructure;

namespace Tracking.Privacy;

internal static class PrivacySetup
{
    public static IHostApplicationBuilder AddPrivacy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<VisitorStore>().AddHttpJson(PrivacyJson.Default);
        return builder;
    }
}
