using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Tracking.Infrastructure;

namespace Tracking.Delivery;

/// <summary>How a destination is doing, as this replica's worker last saw it (<c>/health/ready</c> → <c>destinations</c>).</summary>
internal enum DestinationStatus
{
    /// <summary>Nothing sent by this replica yet.</summary>
    Unknown,
    Ok,
    /// <summary>Every send of the last round failed temporarily (outage, 5xx, 429, timeouts).</summary>
    Failing,
    /// <summary>The destination refused our credentials: an operator must rotate the key (docs/operations.md).</summary>
    Unauthorized,
    Disabled,
}

/// <summary>
/// Per-destination status from the outcomes of each send. A transition to <see cref="DestinationStatus.Unauthorized"/>
/// is logged once as an error and shown by a gauge, so a revoked key is seen, not just retried quietly.
/// </summary>
internal sealed partial class DestinationHealth
{
    private readonly ConcurrentDictionary<string, DestinationStatus> _status = new(StringComparer.Ordinal);
    private readonly ILogger<DestinationHealth> _logger;

    public DestinationHealth(IMeterFactory meters, ILogger<DestinationHealth> logger)
    {
        _logger = logger;
        meters.Create(TrackingMetrics.MeterName).CreateObservableGauge(
            "tracking.destination.unauthorized",
            () => _status.Select(s => new Measurement<int>(s.Value == DestinationStatus.Unauthorized ? 1 : 0, new KeyValuePair<string, object?>("destination", s.Key))),
            description: "1 while a destination refuses our credentials");
    }

    public DestinationStatus Of(IDestination destination) =>
        !destination.Enabled ? DestinationStatus.Disabled : _status.GetValueOrDefault(destination.Name, DestinationStatus.Unknown);

    /// <summary>Records what one send round of a destination came to (entries skipped or dead by rule say nothing).</summary>
    public void Record(string destination, IReadOnlyList<Outcome> outcomes)
    {
        DestinationStatus? now = outcomes.Any(o => o is Outcome.Retry { Unauthorized: true }) ? DestinationStatus.Unauthorized
            : outcomes.Any(o => o is Outcome.Sent) ? DestinationStatus.Ok
            : outcomes.Any(o => o is Outcome.Retry) ? DestinationStatus.Failing
            : null;
        if (now is not { } status)
        {
            return;
        }
        var before = _status.GetValueOrDefault(destination, DestinationStatus.Unknown);
        _status[destination] = status;
        if (status == DestinationStatus.Unauthorized && before != DestinationStatus.Unauthorized)
        {
            Log.Unauthorized(_logger, destination);
        }
        else if (before == DestinationStatus.Unauthorized && status == DestinationStatus.Ok)
        {
            Log.Recovered(_logger, destination);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "{Destination} refuses our credentials: events wait in the outbox until the key is fixed, and are dead-lettered once too old")]
        public static partial void Unauthorized(ILogger logger, string destination);

        [LoggerMessage(Level = LogLevel.Information, Message = "{Destination} accepts our credentials again")]
        public static partial void Recovered(ILogger logger, string destination);
    }
}
