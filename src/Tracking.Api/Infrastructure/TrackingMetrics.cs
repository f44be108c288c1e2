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
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _webhooks;

    /// <summary>Calls per script run of a group-committed script (Storage.GroupCommit), by script.</summary>
    internal Histogram<int> CallsPerRun { get; }

    public TrackingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        CallsPerRun = meter.CreateHistogram<int>("tracking.store.calls_per_run", unit: "{call}",
            description: "Requests stored per script run: how much concurrent requests share Redis round trips (group commit)",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32] });
        _sessions = meter.CreateCounter<long>("tracking.sessions.created", description: "Sessions created");
        _accepted = meter.CreateCounter<long>("tracking.events.accepted", description: "Events stored");
        _duplicates = meter.CreateCounter<long>("tracking.events.duplicates", description: "Events ignored as already stored (eventId or milestone)");
        _rejected = meter.CreateCounter<long>("tracking.requests.rejected", description: "Requests refused for bad input or unknown session");
        _rateLimited = meter.CreateCounter<long>("tracking.requests.rate_limited", description: "Requests refused with 429 by a rate limit, by endpoint group");
        _webhooks = meter.CreateCounter<long>("tracking.webhook.received", description: "Stripe webhook deliveries, by outcome");
    }

    public void Committed(string script, int calls) => CallsPerRun.Record(calls, new KeyValuePair<string, object?>("script", script));

    public void SessionCreated() => _sessions.Add(1);

    public void EventsStored(int accepted, int duplicates)
    {
        _accepted.Add(accepted);
        _duplicates.Add(duplicates);
    }

    /// <param name="group">The rate-limit policy of the endpoint (its endpoint group).</param>
    public void RateLimited(string group) => _rateLimited.Add(1, new KeyValuePair<string, object?>("group", group));

    /// <param name="outcome">converted, duplicate-event, … or a refusal: missing-signature, invalid-signature, unreadable.</param>
    public void Webhook(string outcome) => _webhooks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Rejected(string endpoint) => _rejected.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
}
