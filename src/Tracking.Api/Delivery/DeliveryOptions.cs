namespace Tracking.Delivery;

/// <summary>The <c>Delivery</c> section: how the outbox worker drains events to Meta and PostHog.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Run the outbox worker in this replica.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Sleep between polls when the outbox is empty.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Entries leased per partition per round; also the largest request (Meta allows 1000).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long a leased batch stays invisible to other workers; a dead worker's batch reappears after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First reschedule delay after a failed send; doubles per attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Per-attempt HTTP timeout (Meta advises 1.5 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>In-call retries (jittered, honouring Retry-After) before the outbox reschedules.</summary>
    public int Retries { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a destination's circuit stays open after mostly failing calls.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a dead letter (which holds the visitor's IP, User-Agent, hashed e-mail) is kept for replay.</summary>
    public int DeadLetterRetentionDays { get; set; } = 30;

    public TimeSpan DeadLetterRetention => TimeSpan.FromDays(DeadLetterRetentionDays);

    /// <summary>Partitions drained in parallel by one worker.</summary>
    public int Parallelism { get; set; } = 4;
}
