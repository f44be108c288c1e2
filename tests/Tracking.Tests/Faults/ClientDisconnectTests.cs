using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>A visitor whose connection drops mid-body is not a Redis outage: no 503, no error log.</summary>
public sealed class ClientDisconnectTests
{
    [Fact]
    public async Task A_connection_reset_mid_body_logs_no_error_and_the_service_keeps_serving()
    {
        using var app = new TrackingApp();
        app.UseKestrel(0);
        app.StartServer();
        var uri = app.ClientOptions.BaseAddress;
        var logs = app.Logs;
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        // Hosting counts a request in (+1) once its headers are read, and records its duration once its pipeline, error handling included, has run.
        using var started = new MetricCollector<long>(meters, "Microsoft.AspNetCore.Hosting", "http.server.active_requests");
        using var finished = new MetricCollector<double>(meters, "Microsoft.AspNetCore.Hosting", "http.server.request.duration");

        for (var i = 0; i < 5; i++)
        {
            using var tcp = new TcpClient { LingerState = new LingerOption(true, 0) };
            await tcp.ConnectAsync(uri.Host, uri.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /events HTTP/1.1\r\nHost: {uri.Host}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{{\"sessionId\":\"abc\","));
            await stream.FlushAsync();
            await Eventually.UntilAsync(() => started.GetMeasurementSnapshot().Count(m => m.Value > 0) > i, TimeSpan.FromSeconds(10), $"request {i + 1} to reach the app");
            tcp.Client.Close(); // linger 0: a TCP reset, as a dropped mobile connection looks
        }

        // The service still answers, and nothing it logged says Redis was down.
        using var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(10) };
        var health = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.True(health.IsSuccessStatusCode);
        // All five reset requests have ended before the logs are read.
        await Eventually.UntilAsync(() => finished.GetMeasurementSnapshot().Count(m => m.Tags.TryGetValue("http.request.method", out var method) && (string?)method == "POST") >= 5,
            TimeSpan.FromSeconds(10), "the five reset requests to leave the pipeline", state: () => $"{finished.GetMeasurementSnapshot().Count} requests ended");
        var snapshot = logs.GetSnapshot();
        Assert.DoesNotContain(snapshot, r => r.Message.Contains("Redis unavailable", StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot, r => r.Level >= LogLevel.Error);
    }
}
