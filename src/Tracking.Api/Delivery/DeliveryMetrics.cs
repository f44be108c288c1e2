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
    private readonly Histogram<double> _lag;
    private long _depth;

    public DeliveryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(TrackingMetrics.MeterName);
        _sent = meter.CreateCounter<long>("tracking.delivery.sent", description: "Events accepted by a destination");
        _retried = meter.CreateCounter<long>("tracking.delivery.retried", description: "Events rescheduled after a failed send");
        _dead = meter.CreateCounter<long>("tracking.delivery.dead", description: "Events dead-lettered");
        _skipped = meter.CreateCounter<long>("tracking.delivery.skipped", description: "Events not sent by rule (consent, bot)");
        _lag = meter.CreateHistogram<double>("tracking.delivery.lag", unit: "s", description: "Event time to delivery");
        meter.CreateObservableGauge("tracking.outbox.depth", () => Interlocked.Read(ref _depth), description: "Entries waiting in the outbox");
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
            case Outcome.Retry:
                _retried.Add(1, tag);
                break;
            case Outcome.Dead:
                _dead.Add(1, tag);
                break;
            case Outcome.Skipped or Outcome.Held:
                _skipped.Add(1, tag);
                break;
        }
    }

    public void Depth(long depth) => Interlocked.Exchange(ref _depth, depth);
}
