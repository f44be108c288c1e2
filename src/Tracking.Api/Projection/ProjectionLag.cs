using System.Diagnostics.Metrics;
using StackExchange.Redis;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Projection;

/// <summary>How far the daily counters are behind the facts: the oldest fact waiting in any partition's log, and how many wait.</summary>
internal readonly record struct LagSample(double Seconds, long Pending);

/// <summary>
/// Measures the projection's lag from the logs themselves (the head of each partition's list, whose <c>t</c> is the time
/// it was appended, and its length; a log left in the stream layout is not counted, the first passes empty it), so every replica sees the same lag whichever replica projects. The last sample
/// is exported as the <c>tracking.projection.lag</c> and <c>tracking.projection.pending</c> gauges.
/// </summary>
internal sealed class ProjectionLag
{
    private readonly IDatabase _db;
    private readonly TimeProvider _clock;
    private double _seconds;
    private long _pending;

    public ProjectionLag(IDatabase db, TimeProvider clock, IMeterFactory meters)
    {
        _db = db;
        _clock = clock;
        var meter = meters.Create(TrackingMetrics.MeterName);
        meter.CreateObservableGauge("tracking.projection.lag", () => Volatile.Read(ref _seconds), unit: "s",
            description: "Age of the oldest fact not yet counted in the daily report counters");
        meter.CreateObservableGauge("tracking.projection.pending", () => Interlocked.Read(ref _pending),
            description: "Facts waiting in the projection logs");
    }

    public async Task<LagSample> MeasureAsync()
    {
        var heads = Partitions.Tags.Select(t => _db.ListGetByIndexAsync(Keys.AggregateLog(t), 0)).ToArray();
        var lengths = Partitions.Tags.Select(t => _db.ListLengthAsync(Keys.AggregateLog(t))).ToArray();
        await Task.WhenAll(heads);
        await Task.WhenAll(lengths);
        var oldest = heads.Where(h => !h.Result.IsNull).Select(h => Millis(h.Result)).Where(ms => ms > 0).DefaultIfEmpty(0).Min();
        var sample = new LagSample(oldest == 0 ? 0 : Math.Max(0, (_clock.GetUtcNow().ToUnixTimeMilliseconds() - oldest) / 1000.0), lengths.Sum(l => l.Result));
        Volatile.Write(ref _seconds, Math.Round(sample.Seconds, 1));
        Interlocked.Exchange(ref _pending, sample.Pending);
        return sample;
    }

    // A fact is a JSON object whose `t` is Redis's clock (ms) when it was appended (Storage/aggregates.lua).
    private static long Millis(RedisValue fact)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse((byte[])fact!);
            return json.RootElement.TryGetProperty("t", out var t) && t.TryGetInt64(out var ms) ? ms : 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return 0; // not a fact of ours: no age
        }
    }
}
