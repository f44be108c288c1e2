using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tracking.Tests.Support;

namespace Tracking.Tests.Ops;

/// <summary>deploy/grafana-dashboard.json and docs/operations.md name only metrics the service exports.</summary>
public sealed partial class DashboardMetricsTests
{

    // The meters the service exports (ours, and ASP.NET Core's server metrics that the dashboard and runbook use).
    private static readonly string[] Meters = ["Tracking", "Microsoft.AspNetCore.Hosting"];

    /// <summary>Collects every series name the Prometheus exporter can write for the service's instruments, recorded yet or not.</summary>
    private static MeterListener ExportableNames(HashSet<string> names)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (Meters.Contains(instrument.Meter.Name))
                {
                    lock (names)
                    {
                        names.UnionWith(PrometheusNames(instrument));
                    }
                }
            },
        };
        listener.Start();
        return listener;
    }

    private static IEnumerable<string> PrometheusNames(Instrument instrument)
    {
        var unit = instrument.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            null or "" or "1" => "",
            var u when u.StartsWith('{') => "",
            var u => "_" + u,
        };
        var name = instrument.Name.Replace('.', '_') + unit;
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>))
        {
            return [name + "_total"];
        }
        if (type == typeof(Histogram<>))
        {
            return [name + "_bucket", name + "_sum", name + "_count"];
        }
        return [name];
    }

    [GeneratedRegex(@"\b(?:tracking|http_server)_[a-z_]+\b")]
    private static partial Regex MetricName();

    [Fact]
    public async Task The_dashboard_and_the_runbook_name_only_exported_metrics()
    {
        await using var app = new TrackingApp(new() { ["Telemetry:Prometheus"] = "true", ["Ops:ApiKey"] = OpsKey.Value });
        var exportable = new HashSet<string>(StringComparer.Ordinal);
        using var listener = ExportableNames(exportable);
        await app.Browser().NewSessionAsync();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        // Instruments exist once their owner does: a report makes the report store (and its counter) exist.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync(new Uri("/reports/funnel", UriKind.Relative))).StatusCode);
        var scrape = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        // The naming above is the exporter's: every series it wrote for these meters is one of those names.
        var scraped = scrape.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('{', ' ')[0])
            .Where(n => MetricName().IsMatch(n)).ToHashSet();
        Assert.Contains("tracking_sessions_created_total", scraped);
        Assert.Contains("http_server_request_duration_seconds_bucket", scraped);
        Assert.Empty(scraped.Except(exportable));

        var dashboard = JsonDocument.Parse(File.ReadAllText(RepoFiles.Find("deploy/grafana-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.TryGetProperty("targets", out var t) ? t.EnumerateArray() : Enumerable.Empty<JsonElement>())
            .Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.NotEmpty(expressions);
        var named = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet();
        Assert.Empty(named.Except(exportable));

        var runbook = File.ReadAllText(RepoFiles.Find("docs/operations.md"));
        Assert.Empty(MetricName().Matches(runbook).Select(m => m.Value).Where(n => n.Contains('_', StringComparison.Ordinal)).Except(exportable));

        // Every metric of ours is on the dashboard or in the runbook.
        var ours = exportable.Where(n => n.StartsWith("tracking_", StringComparison.Ordinal) && !n.EndsWith("_sum", StringComparison.Ordinal) && !n.EndsWith("_count", StringComparison.Ordinal));
        Assert.All(ours, n => Assert.Contains(n, runbook, StringComparison.Ordinal));
    }
}
