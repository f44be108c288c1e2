using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tracking.Infrastructure;
using Tracking.Tests.Support;

namespace Tracking.Tests.Projection;

/// <summary>
/// The lag of the daily counters behind the facts is visible: <c>/health/ready</c> turns degraded past
/// Reports:MaxLagSeconds and the <c>tracking.projection.lag</c> gauge says by how much; a report catches up first, so
/// it stays exact, and the lag is gone after it. The background projection is off, so the facts wait for the test.
/// </summary>
public sealed class ProjectionLagTests
{
    [Fact]
    public async Task Facts_waiting_past_the_max_lag_make_readiness_degraded_until_they_are_projected()
    {
        using var app = DeliveryApp.Create(new() { ["Reports:MaxLagSeconds"] = "30", ["Telemetry:Prometheus"] = "true" }, services: ProjectionCrashTests.WithoutWorker);
        var ops = app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        await app.Browser().NewSessionAsync();
        Assert.Equal("ready", (await ops.GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString());
        // The day the facts are counted in: the session's, which five minutes later may be the day before.
        var day = app.Clock.GetUtcNow().UtcDateTime;

        app.Clock.Advance(TimeSpan.FromMinutes(5));

        var health = await ops.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.InRange(health.GetProperty("projectionLagSeconds").GetDouble(), 30, 3600);
        Assert.Equal(2, health.GetProperty("projectionPending").GetInt64()); // the new session's sessions and touches facts
        Assert.Equal("degraded", (await app.CreateClient().GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("status").GetString());
        var scrape = await ops.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("tracking_projection_lag_seconds", scrape);
        // Its value is read from this host's own meter: OpenTelemetry listens to meters by name across the process, so
        // the scrape merges the series of hosts of tests running beside this one (lag 0) into the same point.
        using var lag = new MetricCollector<double>(app.Services.GetRequiredService<IMeterFactory>(), TrackingMetrics.MeterName, "tracking.projection.lag");
        lag.RecordObservableInstruments();
        Assert.InRange(lag.LastMeasurement!.Value, 30, 3600);

        var funnel = await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}");
        Assert.Equal(1, funnel.GetProperty("steps")[0].GetProperty("count").GetInt64());

        health = await ops.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("ready", health.GetProperty("status").GetString());
        Assert.Equal(0, health.GetProperty("projectionPending").GetInt64());
    }
}
