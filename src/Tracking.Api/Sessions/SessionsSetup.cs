using Tracking.Infrastructure;

namespace Tracking.Sessions;

internal static class SessionsSetup
{
    public static IHostApplicationBuilder AddSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SessionStore>().AddSingleton<ReturnVisits>().AddSingleton<SessionIdSecret>().AddSingleton<VisitorIdSecret>().AddSingleton<VisitorIds>()
            .AddSingleton<OpenSession>().AddHttpJson(SessionsJson.Default);
        return builder;
    }
}
