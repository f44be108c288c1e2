using Tracking.Dashboard;
using Tracking.Delivery;
using Tracking.Donations;
using Tracking.Events;
using Tracking.Health;
using Tracking.Infrastructure;
using Tracking.Ops;
using Tracking.Reports;
using Tracking.Sessions;
using Tracking.Tracker;

namespace Tracking;

/// <summary>Registers and maps each capability; one line per feature.</summary>
internal static class Features
{
    public static IHostApplicationBuilder AddTrackingFeatures(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<EventStore>();
        builder.Services.AddSingleton<ReportStore>();
        builder.AddDelivery();
        builder.AddDonations();
        builder.Services.AddOptions<OpsOptions>().BindConfiguration(OpsOptions.Section);
        return builder;
    }

    public static WebApplication MapTrackingEndpoints(this WebApplication app)
    {
        app.MapHealthApi();
        app.MapSessionApi();
        app.MapEventsApi();
        app.MapCheckoutApi();
        app.MapStripeWebhookApi();
        app.MapDeliveriesApi();
        app.MapReportsApi();
        app.MapDashboard();
        app.MapTracker();
        app.MapOpenApiDocument();
        return app;
    }
}
