using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Playwright;

namespace Tracking.Tests.Support;

/// <summary>
/// What a browser sent to the service against what the service has answered. Before a browser test asserts that
/// nothing more arrived (no doubled page view, no stray request), it waits until every request the browser sent is
/// answered: a barrier on a count, not a sleep.
/// </summary>
public sealed class ServiceTraffic : IDisposable
{
    private readonly MetricCollector<double> _answered;
    private readonly string _service;
    private int _sent;

    public ServiceTraffic(TrackingApp app)
    {
        _service = app.ClientOptions.BaseAddress.GetLeftPart(UriPartial.Authority);
        // ASP.NET Core records a request's duration once its pipeline has run: one measurement per answered request.
        _answered = new MetricCollector<double>(app.Services.GetRequiredService<IMeterFactory>(), "Microsoft.AspNetCore.Hosting", "http.server.request.duration");
    }

    /// <summary>Counts what <paramref name="page"/> sends to the service from now on.</summary>
    public void Watch(IPage page) => page.Request += (_, request) => Count(request);

    /// <summary>Counts what every page of <paramref name="context"/> sends to the service from now on.</summary>
    public void Watch(IBrowserContext context) => context.Request += (_, request) => Count(request);

    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Answered requests other than CORS preflights (which the browser sends but does not report).</summary>
    public int Answered => _answered.GetMeasurementSnapshot().Count(m => !m.Tags.TryGetValue("http.request.method", out var method) || (string?)method != "OPTIONS");

    /// <summary>Waits until the service has answered every request the watched pages sent.</summary>
    public Task SettledAsync(TimeSpan bound) =>
        Eventually.UntilAsync(() => Answered >= Sent, bound, "every request the browser sent to the service answered", state: () => $"{Answered} answered of {Sent} sent");

    public void Dispose() => _answered.Dispose();

    private void Count(IRequest request)
    {
        if (request.Url.StartsWith(_service, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _sent);
        }
    }
}
