using Microsoft.Extensions.Options;
using Tracking.Delivery;

namespace Tracking.GoogleAds;

/// <summary>
/// Asks Google what became of accepted requests between delivery passes too, so the last requests before a quiet
/// spell are checked as well. Runs where the outbox worker runs.
/// </summary>
internal sealed partial class GoogleAdsStatusPoller(
    GoogleAdsRequests requests, IOptions<GoogleAdsOptions> google, IOptions<DeliveryOptions> delivery, ILogger<GoogleAdsStatusPoller> logger) : BackgroundService
{
    // Google usually finishes processing within minutes.
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!google.Value.Enabled || !delivery.Value.WorkerEnabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await requests.CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.CheckFailed(logger, ex.GetType().Name);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Google Ads request status check failed ({Error}); trying again in a minute")]
        public static partial void CheckFailed(ILogger logger, string error);
    }
}
