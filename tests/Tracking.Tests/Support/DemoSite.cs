using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tracking.Tests.Support;

/// <summary>
/// The demo site (examples/demo) on loopback, plus a Stripe stand-in on the same origin: its checkout API returns a
/// "pay" page that, when clicked, posts a correctly signed checkout.session.completed to the service and redirects
/// to the success URL, as Stripe does. Like <see cref="TrackingApp"/>, an Error it logs (a failed webhook post, say)
/// fails the test on dispose.
/// </summary>
public sealed class DemoSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _video;
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> _checkouts = new();
    private readonly ErrorLogGuard _logs;
    private int _next;

    private DemoSite(WebApplication app, string video, ErrorLogGuard logs)
    {
        _app = app;
        _video = video;
        _logs = logs;
    }

    public string Url { get; private set; } = "";

    /// <summary>The tracking service's base URL, set once it listens.</summary>
    public string TrackingUrl { get; set; } = "";

    public static async Task<DemoSite> StartAsync()
    {
        var root = Path.Combine(RepoFiles.Root, "examples", "demo");
        var video = Path.Combine(Path.GetTempPath(), $"trailer-{Guid.NewGuid():N}.webm");
        GenerateVideo(video);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new ErrorLogGuard();
        builder.Logging.ClearProviders().AddFakeLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton(logs.Collector));
        var app = builder.Build();
        var site = new DemoSite(app, video, logs);
        app.MapGet("/{page}.html", (string page) => site.Page(root, page));
        app.MapGet("/trailer.webm", () => Results.File(video, "video/webm", enableRangeProcessing: true));
        app.MapPost("/v1/checkout/sessions", (HttpRequest r) => site.CreateCheckout(r));
        app.MapGet("/pay/{id}", (string id) => Results.Content(
            $$"""<!doctype html><html><body><h1>Stripe test checkout</h1><form method="post" action="/pay/{{id}}"><button id="pay">Pay</button></form></body></html>""", "text/html"));
        app.MapPost("/pay/{id}", (string id) => site.PayAsync(id));
        await app.StartAsync();
        site.Url = app.Urls.First();
        return site;
    }

    private IResult Page(string root, string page)
    {
        var file = Path.Combine(root, page + ".html");
        return File.Exists(file)
            ? Results.Content(File.ReadAllText(file).Replace("{{TRACKING}}", TrackingUrl, StringComparison.Ordinal), "text/html")
            : Results.NotFound();
    }

    private async Task<IResult> CreateCheckout(HttpRequest request)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        var id = $"cs_e2e_{Interlocked.Increment(ref _next)}";
        _checkouts[id] = form;
        return Results.Json(new Dictionary<string, object?>
        {
            ["id"] = id, ["object"] = "checkout.session", ["mode"] = "payment", ["status"] = "open", ["payment_status"] = "unpaid",
            ["url"] = $"{Url}/pay/{id}", ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
        });
    }

    private async Task<IResult> PayAsync(string id)
    {
        var form = _checkouts[id];
        var payload = StripeSigner.CheckoutEvent(
            "evt_" + id, "checkout.session.completed", id, form["client_reference_id"], "paid",
            long.Parse(form["line_items[0][price_data][unit_amount]"], CultureInfo.InvariantCulture), form["line_items[0][price_data][currency]"],
            DateTimeOffset.UtcNow, "donor@example.com", form.GetValueOrDefault("metadata[visitor_id]"),
            // Stripe returns the metadata the service created the session with, its mark included.
            mark: form["metadata[tracking_mark]"]);
        using var http = new HttpClient();
        using var webhook = new HttpRequestMessage(HttpMethod.Post, TrackingUrl + "/stripe/webhook") { Content = new StringContent(payload) };
        webhook.Headers.Add("Stripe-Signature", StripeSigner.Sign(payload, DateTimeOffset.UtcNow));
        (await http.SendAsync(webhook)).EnsureSuccessStatusCode();
        return Results.Redirect(form["success_url"].Replace("{CHECKOUT_SESSION_ID}", id, StringComparison.Ordinal));
    }

    /// <summary>A real 4-second VP8 WebM made by ffmpeg (test.sh installs it).</summary>
    private static void GenerateVideo(string path)
    {
        var info = new ProcessStartInfo("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=4:size=160x120:rate=10", "-c:v", "libvpx", "-b:v", "64k", path])
        {
            RedirectStandardError = true,
        };
        using var ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        if (!ffmpeg.WaitForExit(60_000))
        {
            ffmpeg.Kill();
            throw new InvalidOperationException("ffmpeg did not make the test video within 60 s");
        }
        if (ffmpeg.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException("ffmpeg could not make the test video: " + ffmpeg.StandardError.ReadToEnd());
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        finally
        {
            File.Delete(_video);
        }
        var unexpected = _logs.Unexpected();
        if (unexpected.Count > 0)
        {
            throw new Xunit.Sdk.XunitException("the demo site logged, unexpectedly:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", unexpected));
        }
    }
}
