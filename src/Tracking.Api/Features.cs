using Tracking.Dashboard;
using Tracking.Delivery;
using Tracking.Donations;
using Tracking.Events;
using Tracking.Health;
using Tracking.Infrastructure;
using Tracking.Meta;
using Tracking.Ops;
using Tracking.PostHog;
using Tracking.Privacy;
using Tracking.Reports;
using Tracking.Sessions;
using Tracking.Tracker;
using Tracking.Upgrade;

namespace Tracking;

/// <summary>Registers and maps each capability; one line per feature (a new destination is one more Add line).</summary>
internal static class Features
{
    public static IHostApplicationBuilder AddTrackingFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SessionStore>().AddSingleton<SessionIdSecret>().AddSingleton<OpenSession>().AddHttpJson(SessionsJson.Default);
        builder.Services.AddSingleton<EventStore>().AddSingleton<SignupStore>().AddSingleton<RecordSignup>().AddHttpJson(EventsJson.Default);
        builder.Services.AddSingleton<ReportStore>().AddHttpJson(ReportsJson.Default);
        builder.Services.AddHttpJson(HealthJson.Default).AddHttpJson(OpsJson.Default);
        builder.AddDelivery();
        builder.AddMetaDestination();
        builder.AddPostHogDestination();
        builder.AddDonations();
        builder.Services.AddSingleton<VisitorStore>().AddHttpJson(PrivacyJson.Default);
        builder.Services.AddUpgrade();
        return builder;
    }

    public static WebApplication MapTrackingEndpoints(this WebApplication app)
    {
        app.MapHealthApi();
        app.MapSessionApi();
        app.MapEventsApi();
        app.MapSignupApi();
        app.MapCheckoutApi();
        app.MapStripeWebhookApi();
        app.MapDeliveriesApi();
        app.MapMetaQualityApi();
        app.MapReportsApi();
        app.MapVisitorsApi();
        app.MapUpgradeApi();
        app.MapDashboard();
        app.MapTracker();
        app.MapOpenApiDocument();
        return app;
    }
}
