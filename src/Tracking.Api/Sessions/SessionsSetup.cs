using Tracking.Infrastructure;

namespace Tracking.Sessions;

internal static class SessionsSetup
{
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SessionStore>().AddSingleton<SessionIdSecret>().AddHttpJson(SessionsJson.Default);
        return builder;
    }
}
