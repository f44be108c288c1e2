using Tracking.Consent;
using Tracking.Dashboard;
using Tracking.Delivery;
using Tracking.Donations;
using Tracking.Edge;
using Tracking.Events;
using Tracking.GoogleAds;
using Tracking.Health;
using Tracking.Infrastructure;
using Tracking.Meta;
using Tracking.Ops;
using Tracking.PostHog;
using Tracking.Projection;
using Tracking.Privacy;
using Tracking.Reports;
using Tracking.Sessions;
using Tracking.TikTok;
using Tracking.Tracker;
using Tracking.Upgrade;

namespace Tracking;

/// <summary>Registers and maps each capability; one line per capability (a new destination is one more Add line).</summary>
internal static class Features
{
    public static IHostApplicationBuilder AddTrackingFeatures(this IHostApplicationBuilder builder)
    {
        builder.AddEdge();
        builder.AddConsent();
        builder.AddSessions();
        builder.AddEvents();
        builder.AddDelivery();
        builder.AddMetaDestination();
        builder.AddPostHogDestination();
        builder.AddTikTokDestination();
        builder.AddGoogleAdsDestination();
        builder.AddDonations();
        builder.AddProjection();
        builder.AddReports();
        builder.AddPrivacy();
        builder.AddHealth();
        builder.AddOps();
        builder.Services.AddUpgrade();
        return builder;
    }

    public static WebApplication MapTrackingEndpoints(this WebApplication app)
    {
        app.MapHealthApi();
        app.MapSessionApi();
        app.MapEvents();
        app.MapDonations();
        app.MapOps();
        app.MapMetaQualityApi();
        app.MapGoogleAdsRequestsApi();
        app.MapReportsApi();
        app.MapVisitorsApi();
        app.MapUpgradeApi();
        app.MapDashboard();
        app.MapTracker();
        app.MapOpenApiDocument();
        return app;
    }
}
