using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Delivery;

/// <summary>
/// Drains the outbox in the background: a pass (<see cref="OutboxDrainer"/>) leases due entries partition by
/// partition, sends them per destination in batches, then settles each entry (done, rescheduled with backoff, or
/// dead-lettered); between passes it samples the gauges and purges old dead letters. Safe to run in every replica:
/// leases keep two workers off the same entries, and an entry whose worker died reappears when its lease ends.
/// On stop (SIGTERM) it leases nothing more and lets the sends in flight finish and settle; only if the host's
/// shutdown timeout runs out first are they abandoned, and their entries released (due at once for any replica)
/// rather than hidden for the rest of the lease.
/// </summary>
internal sealed class OutboxWorker(
    OutboxDrainer drainer,
    OutboxGauges gauges,
    DeadLetterPurge purge,
    IEnumerable<IDestination> destinations,
    IOptions<DeliveryOptions> options,
    IOptions<HostOptions> host,
    TimeProvider clock,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private static readonly TimeSpan GaugeInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    // Kept from the shutdown timeout to write the releases (one settle script per partition) before the host
    // disposes the Redis connection: the host does not wait for us past its timeout.
    private static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(2);

    // Cancelled shortly before the host's shutdown timeout runs out: sends still in flight are abandoned and released.
    // Never disposed: a test host may be stopped after its container was disposed, and a cancelled source holds nothing.
    private readonly CancellationTokenSource _abort = new();

    /// <summary>One pass over every partition with due entries; returns how many had a full batch (more is waiting).</summary>
    public Task<int> DrainAllOnceAsync(CancellationToken cancellationToken) => drainer.DrainAllOnceAsync(cancellationToken, CancellationToken.None);

    /// <summary>Deletes dead letters older than Delivery:DeadLetterRetentionDays; returns how many.</summary>
    public Task<long> PurgeDeadLettersAsync() => purge.RunAsync();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            OutboxWorkerLog.WorkerDisabled(logger);
            return;
        }
        foreach (var destination in destinations.Where(d => !d.Enabled))
        {
            OutboxWorkerLog.DestinationDisabled(logger, destination.Name);
        }
        var lastGauges = DateTimeOffset.MinValue;
        var lastPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var full = false;
            try
            {
                full = await drainer.DrainAllOnceAsync(_abort.Token, stoppingToken) > 0;
                if (clock.GetUtcNow() - lastGauges > GaugeInterval)
                {
                    await gauges.SampleAsync();
                    lastGauges = clock.GetUtcNow();
                }
                if (clock.GetUtcNow() - lastPurge > PurgeInterval)
                {
                    await purge.RunAsync();
                    lastPurge = clock.GetUtcNow();
                }
            }
            catch (Exception ex) when (ex is TimeoutException || StoreUnavailableHandler.IsStoreFailure(ex))
            {
                OutboxWorkerLog.StoreUnavailable(logger, ex.GetType().Name);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || _abort.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The worker must outlive any surprise: entries stay leased and come back when the lease ends.
                OutboxWorkerLog.RoundFailed(logger, ex);
            }
            if (!full && !await PauseAsync(stoppingToken))
            {
                break;
            }
        }
    }

    /// <summary>Waits Delivery:PollInterval; false when stopping.</summary>
    private async Task<bool> PauseAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // base.StopAsync cancels the stopping token (no more leases) and waits for the loop. Sends in flight finish,
        // unless the shutdown timeout is about to run out: then they are abandoned and released while Redis is still ours.
        var timeout = host.Value.ShutdownTimeout;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _abort.CancelAfter(timeout - (timeout / 2 < ReleaseGrace ? timeout / 2 : ReleaseGrace));
        }
        using (cancellationToken.Register(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort))
        {
            await base.StopAsync(cancellationToken);
        }
    }
}
