using Tracking.Consent;
using Tracking.Edge;
using Tracking.Events;
using Tracking.Sessions;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Infrastructure;

/// <summary>The per-session and report bounds: sane defaults, and a bad value stops start-up naming its key.</summary>
public sealed class BoundsSettingsTests
{
    [Fact]
    public void The_defaults_bound_every_session()
    {
        var defaults = new SessionLimitOptions();
        var aggregates = new AggregateOptions();

        Assert.Equal(1000, defaults.MaxEventsPerSession);
        Assert.Equal(4096, defaults.MaxEventBytes);
        Assert.Equal(50, defaults.MaxTouchesPerSession);
        Assert.Equal(20, defaults.MaxContentsPerSession);
        Assert.Equal(2, defaults.MaxSignupsPerSession);
        Assert.Empty(aggregates.ReportCampaigns);
        Assert.True(new SessionLimitOptionsValidator().Validate(null, defaults).Succeeded);
        Assert.True(new AggregateOptionsValidator().Validate(null, aggregates).Succeeded);
        Assert.True(new EdgeOptionsValidator(Microsoft.Extensions.Hosting.Environments.Development).Validate(null, new EdgeOptions()).Succeeded);
        Assert.True(new ConsentOptionsValidator().Validate(null, new ConsentOptions()).Succeeded);
        Assert.True(new VisitorOptionsValidator().Validate(null, new VisitorOptions()).Succeeded);
    }

    [Fact]
    public void Report_counters_know_every_video_milestone()
    {
        // aggregate_tiers.lua moves a key's counters metric by metric: a milestone without a constant would be lost on eviction.
        var videoMetrics = typeof(AggregateMetric).GetFields()
            .Where(f => f.IsLiteral && f.Name != nameof(AggregateMetric.VideoPrefix) && ((string)f.GetRawConstantValue()!).StartsWith(AggregateMetric.VideoPrefix, StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!);

        Assert.Equal(EventNames.Milestones.Select(Aggregates.Video).Order(StringComparer.Ordinal), videoMetrics.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Tracking:MaxEventsPerSession", "0", "Tracking:MaxEventsPerSession")]
    [InlineData("Tracking:MaxEventsPerSession", "lots", "Tracking:MaxEventsPerSession")]
    [InlineData("Tracking:MaxEventBytes", "100", "Tracking:MaxEventBytes")]
    [InlineData("Tracking:MaxTouchesPerSession", "1", "Tracking:MaxTouchesPerSession")]
    [InlineData("Tracking:MaxContentsPerSession", "0", "Tracking:MaxContentsPerSession")]
    [InlineData("Tracking:MaxSignupsPerSession", "-1", "Tracking:MaxSignupsPerSession")]
    [InlineData("Tracking:MaxSessionsPerVisitor", "0", "Tracking:MaxSessionsPerVisitor")]
    [InlineData("Tracking:VisitorRetentionDays", "0", "Tracking:VisitorRetentionDays")]
    [InlineData("Tracking:ReportCampaigns:0", "a|b", "Tracking:ReportCampaigns:0")]
    [InlineData("Tracking:ReportCampaigns:0", " winter", "Tracking:ReportCampaigns:0")]
    [InlineData("Tracking:CityHeader", "CF IPCity", "Tracking:CityHeader")]
    public void A_bad_bound_stops_start_up_with_a_message_naming_the_key(string key, string value, string named) => StartUp.AssertRefused(key, value, named);
}
