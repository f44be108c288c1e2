using System.Diagnostics.Metrics;

namespace Tracking.Infrastructure;

/// <summary>Our own counters, exported through OpenTelemetry under the "Tracking" meter.</summary>
internal sealed class TrackingMetrics
{
    public const string MeterName = "Tracking";

    private readonly Counter<long> _sessions;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _rejected;

    public TrackingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _sessions = meter.CreateCounter<long>("tracking.sessions.created", description: "Sessions created");
        _accepted = meter.CreateCounter<long>("tracking.events.accepted", description: "Events stored");
        _duplicates = meter.CreateCounter<long>("tracking.events.duplicates", description: "Events ignored as already stored (eventId or milestone)");
        _rejected = meter.CreateCounter<long>("tracking.requests.rejected", description: "Requests refused for bad input or unknown session");
    }

    public void SessionCreated() => _sessions.Add(1);

    public void EventsStored(int accepted, int duplicates)
    {
        _accepted.Add(accepted);
        _duplicates.Add(duplicates);
    }

    public void Rejected(string endpoint) => _rejected.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
}
