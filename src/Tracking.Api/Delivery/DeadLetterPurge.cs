using Microsoft.Extensions.Options;

namespace Tracking.Delivery;

/// <summary>Deletes dead letters older than Delivery:DeadLetterRetentionDays (run hourly by the worker).</summary>
internal sealed class DeadLetterPurge(OutboxStore store, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<OutboxWorker> logger)
{
    /// <summary>Returns how many dead letters were deleted.</summary>
    public async Task<long> RunAsync()
    {
        var cutoff = (clock.GetUtcNow() - options.Value.DeadLetterRetention).ToUnixTimeMilliseconds();
        var purged = await store.PurgeDeadAsync(cutoff);
        if (purged > 0)
        {
            OutboxWorkerLog.DeadLettersPurged(logger, purged, options.Value.DeadLetterRetentionDays);
        }
        return purged;
    }
}
