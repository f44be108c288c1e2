using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Tracking.Tests.Support;

namespace Tracking.Tests.Infrastructure;

/// <summary>What an operator's backend sees: the resource every signal carries, and the Prometheus scrape endpoint.</summary>
public sealed class TelemetryTests
{

    private static TrackingApp AppExporting(List<Metric> exported, Dictionary<string, string?>? settings = null) =>
        new(settings, services => services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported)));

    private static Dictionary<string, object> ResourceOf(TrackingApp app) =>
        app.Services.GetRequiredService<MeterProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);

    [Fact]
    public async Task Every_signal_is_labelled_as_the_tracking_service_with_version_environment_and_instance()
    {
        var exported = new List<Metric>();
        using var app = AppExporting(exported);
        using var other = AppExporting([]);
        await app.Browser().NewSessionAsync();

        var resource = ResourceOf(app);
        Assert.Equal("tracking", resource["service.name"]);
        var version = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(version, resource["service.version"]);
        Assert.Equal("testing", resource["deployment.environment"]);
        Assert.True(Guid.TryParse((string)resource["service.instance.id"], out _), $"service.instance.id {resource["service.instance.id"]} is a UUID");
        Assert.NotEqual(resource["service.instance.id"], ResourceOf(other)["service.instance.id"]);

        // The metrics that carry it are ours, exported through that provider.
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        Assert.Contains(exported, m => m.Name == "tracking.sessions.created");
    }

    [Fact]
    public void The_standard_variables_override_name_environment_and_instance()
    {
        using var app = AppExporting([], new()
        {
            ["OTEL_SERVICE_NAME"] = "film-tracking-eu",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=staging,service.instance.id=replica-7,team=film",
        });

        var resource = ResourceOf(app);
        Assert.Equal("film-tracking-eu", resource["service.name"]);
        Assert.Equal("staging", resource["deployment.environment"]);
        Assert.Equal("replica-7", resource["service.instance.id"]);
        Assert.Equal("film", resource["team"]);
    }

    [Fact]
    public async Task Metrics_endpoint_answers_prometheus_text_behind_the_ops_key_when_enabled()
    {
        using var app = new TrackingApp(new() { ["Telemetry:Prometheus"] = "true", ["Ops:ApiKey"] = OpsKey.Value });
        await app.Browser().NewSessionAsync();
        var client = app.CreateClient();

        var anonymous = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Authorization", (await anonymous.ProblemAsync()).GetProperty("field").GetString());

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        var scrape = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        var text = await scrape.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE tracking_sessions_created_total counter", text, StringComparison.Ordinal);
        Assert.Contains("tracking_sessions_created_total", text, StringComparison.Ordinal);
        Assert.Matches("""target_info\{[^}]*service_name="tracking"[^}]*\} 1""", text);
    }

    [Fact]
    public async Task Metrics_endpoint_is_absent_unless_enabled()
    {
        using var app = new TrackingApp(new() { ["Ops:ApiKey"] = OpsKey.Value });
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public void Prometheus_without_an_ops_key_stops_the_start_naming_the_key()
    {
        using var app = new TrackingApp(new() { ["Telemetry:Prometheus"] = "true" });
        Assert.Contains("Telemetry:Prometheus", StartUp.RefusalMessages(app), StringComparison.Ordinal);
    }
}
