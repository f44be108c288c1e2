using Tracking.Infrastructure;

namespace Tracking.Projection;

/// <summary>
/// Counts the projection logs into the daily counters in the background, in every replica: passes over all
/// partitions, back to back while a partition has more than a pass takes, otherwise a short pause apart, so the lag
/// stays about a pause. Between passes it samples the lag for the gauges. Replicas never double count (each batch is
/// one atomic script that trims what it counts), and a report catches up on what it reads whatever this worker does.
/// </summary>
internal sealed partial class ProjectionWorker(Projector projector, ProjectionLag lag, TimeProvider clock, ILogger<ProjectionWorker> logger) : BackgroundService
{
    // The pause between passes (wall-clock time): about the lag a healthy projection keeps. Longer pauses make fuller
    // batches (a script's fixed cost, ~20-30 µs, is shared by more facts); a pass over idle logs costs 256 LLENs.
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastSample = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var unfinished = false;
            try
            {
                unfinished = (await projector.CatchUpAsync(stoppingToken)).Unfinished;
                if (clock.GetUtcNow() - lastSample > SampleInterval)
                {
                    await lag.MeasureAsync();
                    lastSample = clock.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is TimeoutException || StoreUnavailableHandler.IsStoreFailure(ex))
            {
                Log.StoreUnavailable(logger, ex.GetType().Name);
            }
            catch (Exception ex)
            {
                // The worker must outlive any surprise: the facts stay in the log and the next pass counts them.
                Log.PassFailed(logger, ex);
            }
            if (!unfinished)
            {
                try
                {
                    await Task.Delay(Pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Projection paused: Redis unavailable ({Kind})")]
        public static partial void StoreUnavailable(ILogger logger, string kind);

        [LoggerMessage(Level = LogLevel.Error, Message = "Projection pass failed; its facts stay in the logs for the next pass")]
        public static partial void PassFailed(ILogger logger, Exception exception);
    }
}
