namespace Tracking.Delivery;

/// <summary>
/// The outbox worker's log lines. Every part of the worker writes them under the worker's category
/// (<c>ILogger&lt;OutboxWorker&gt;</c>), the one operators and tests filter delivery logs by.
/// </summary>
internal static partial class OutboxWorkerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox worker disabled in this replica (Delivery:WorkerEnabled=false)")]
    public static partial void WorkerDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destination {Destination} has no credentials: disabled, its events are not queued")]
    public static partial void DestinationDisabled(ILogger logger, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox paused: Redis unavailable ({Kind})")]
    public static partial void StoreUnavailable(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox round failed; leased entries will be retried after their lease")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} dead letters older than {Days} days deleted (Delivery:DeadLetterRetentionDays)")]
    public static partial void DeadLettersPurged(ILogger logger, long count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination}: {Count} events rescheduled with backoff ({Kind}: {Reason})")]
    public static partial void Rescheduled(ILogger logger, string destination, int count, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination}: {Count} events not sent, due again soon without backoff ({Kind}: {Reason})")]
    public static partial void NotSent(ILogger logger, string destination, int count, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination}: send abandoned at the shutdown timeout; {Count} events released for another replica")]
    public static partial void Released(ILogger logger, string destination, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox pass failed and its leased entries could not be settled ({Kind}); they come back when their lease ends")]
    public static partial void AbandonFailed(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Destination}: {Event} dead-lettered: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string destination, string @event, string reason);
}
