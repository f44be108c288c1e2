using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Events;

internal static class EventsSetup
{
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SessionLimitOptions>().BindConfiguration(SessionLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SessionLimitOptions>, SessionLimitOptionsValidator>();
        services.AddSingleton<EventStore>().AddSingleton<SignupStore>().AddSingleton<RecordSignup>().AddHttpJson(EventsJson.Default);
        return builder;
    }

    public static WebApplication MapEvents(this WebApplication app)
    {
        app.MapEventsApi();
        app.MapSignupApi();
        return app;
    }
}
