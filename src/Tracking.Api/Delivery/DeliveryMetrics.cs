using System.Diagnostics.Metrics;
using Tracking.Infrastructure;

namespace Tracking.Delivery;

/// <summary>Delivery counters per destination, queue depth and delivery lag, under the "Tracking" meter.</summary>
internal sealed class DeliveryMetrics
{
    private readonly Counter<long> _sent;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _dead;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _resent;
    private readonly Histogram<double> _lag;
    private long _depth;
    private long _deadLetters;
    private double _overdue;
    private double _redisLatency;

    // Lag runs from sub-second (healthy) to days (an outage or a revoked key): buckets that tell those apart.
    private static readonly double[] LagBuckets = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400, 604800];

    public DeliveryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(TrackingMetrics.MeterName);
        _sent = meter.CreateCounter<long>("tracking.delivery.sent", description: "Events accepted by a destination");
        _retried = meter.CreateCounter<long>("tracking.delivery.retried", description: "Events rescheduled after a failed send, by kind");
        _dead = meter.CreateCounter<long>("tracking.delivery.dead", description: "Events dead-lettered, by kind");
        _resent = meter.CreateCounter<long>("tracking.delivery.resent",
            description: "Events sent again after an attempt that got no answer in time (the destination may have taken it; the same event id lets it deduplicate)");
        _skipped = meter.CreateCounter<long>("tracking.delivery.skipped", description: "Events not sent by rule (consent, bot)");
        _lag = meter.CreateHistogram("tracking.delivery.lag", unit: "s", description: "Event time to delivery",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        meter.CreateObservableGauge("tracking.outbox.depth", () => Interlocked.Read(ref _depth), description: "Entries waiting in the outbox");
        meter.CreateObservableGauge("tracking.outbox.overdue", () => Volatile.Read(ref _overdue), unit: "s", description: "How overdue the most overdue outbox entry is");
        meter.CreateObservableGauge("tracking.outbox.dead_letters", () => Interlocked.Read(ref _deadLetters), description: "Entries in the dead-letter store, waiting for a replay");
        meter.CreateObservableGauge("tracking.redis.latency", () => Volatile.Read(ref _redisLatency), unit: "ms", description: "Redis round trip (PING) as the outbox worker last measured it");
    }

    public void Record(string destination, Outcome outcome, long eventTimestamp, long now)
    {
        var tag = new KeyValuePair<string, object?>("destination", destination);
        switch (outcome)
        {
            case Outcome.Sent:
                _sent.Add(1, tag);
                _lag.Record((now - eventTimestamp) / 1000.0, tag);
                break;
            case Outcome.Retry retry:
                _retried.Add(1, tag, new("kind", WireName<RetryKind>.Of(retry.Kind)));
                if (retry.Kind == RetryKind.Timeout)
                {
                    // Meta and PostHog may have taken a batch they answered too late; the retry carries the same
                    // event_id / uuid, so they deduplicate it. Counted so an operator sees how often that happens.
                    _resent.Add(1, tag);
                }
                break;
            case Outcome.Dead dead:
                _dead.Add(1, tag, new("kind", WireName<DeadKind>.Of(dead.Kind)));
                break;
            case Outcome.Skipped skipped:
                _skipped.Add(1, tag, new("reason", skipped.Why));
                break;
            case Outcome.Held held:
                _skipped.Add(1, tag, new("reason", "held: " + held.Why));
                break;
        }
    }

    /// <summary>An in-call retry after an attempt that timed out (the request may have reached the destination).</summary>
    public void Resent(string destination) => _resent.Add(1, new KeyValuePair<string, object?>("destination", destination));

    /// <summary>The outbox as the worker last read it: depth, seconds the most overdue entry is late, dead letters, Redis PING.</summary>
    public void Outbox(long depth, double overdueSeconds, long deadLetters, TimeSpan redisLatency)
    {
        Interlocked.Exchange(ref _depth, depth);
        Volatile.Write(ref _overdue, overdueSeconds);
        Interlocked.Exchange(ref _deadLetters, deadLetters);
        Volatile.Write(ref _redisLatency, redisLatency.TotalMilliseconds);
    }
}
