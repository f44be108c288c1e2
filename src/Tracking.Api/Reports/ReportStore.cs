using System.Diagnostics.Metrics;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Donations;
using Tracking.Infrastructure;
using Tracking.Projection;
using Tracking.Sessions;
using Tracking.Storage;

namespace Tracking.Reports;

/// <summary>The conversions of a range, and how many stored ones could not be read.</summary>
internal sealed record Conversions(IReadOnlyList<Conversion> Readable, int Unreadable);

/// <summary>
/// Reads the durable aggregates and conversions of a range: one pipelined batch over days × partitions. The counters
/// are read after projecting the facts waiting in every partition's log, so a report counts every fact accepted before it.
/// </summary>
internal sealed partial class ReportStore(IDatabase db, Projector projector, IMeterFactory meters, ILogger<ReportStore> logger)
{
    private readonly Counter<long> _unreadable = meters.Create(TrackingMetrics.MeterName)
        .CreateCounter<long>("tracking.reports.unreadable_conversions", description: "Stored conversions a report could not read");

    /// <summary>
    /// Counter name ("metric|source|medium|campaign|content") → summed count, over both tiers (see Aggregates):
    /// admitted keys and "(other)", and the candidates not (yet) admitted, each under its own key.
    /// </summary>
    public async Task<Dictionary<string, long>> CountersAsync(ReportRange range)
    {
        await projector.CatchUpAsync();
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var hash in (await ReadAllAsync(range, Keys.Aggregate)).Concat(await ReadAllAsync(range, Keys.AggregateCandidates)))
        {
            foreach (var entry in hash)
            {
                var name = (string)entry.Name!;
                // The candidates' hash also holds its insertion counter, which has no '|'.
                if (name.Contains('|', StringComparison.Ordinal))
                {
                    totals[name] = totals.GetValueOrDefault(name) + (long)entry.Value;
                }
            }
        }
        return totals;
    }

    /// <summary>"metric|campaign id" → summed count of the fundraising-campaign cohorts (Aggregates), without their bookkeeping fields.</summary>
    public async Task<Dictionary<string, long>> CohortsAsync(ReportRange range)
    {
        await projector.CatchUpAsync();
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in (await ReadAllAsync(range, Keys.AggregateSelected)).SelectMany(h => h))
        {
            var name = (string)entry.Name!;
            if (!name.StartsWith('#'))
            {
                totals[name] = totals.GetValueOrDefault(name) + (long)entry.Value;
            }
        }
        return totals;
    }

    /// <summary>
    /// Every conversion of the range with its touch path. A record that cannot be read is not silently skipped:
    /// it is logged as an error, counted in a metric, and reported in the report's <c>unreadableConversions</c>.
    /// </summary>
    public async Task<Conversions> ConversionsAsync(ReportRange range)
    {
        var records = await ReadAllAsync(range, Keys.Conversions);
        var paths = await ReadAllAsync(range, Keys.ConversionPaths);
        var refunds = await ReadAllAsync(range, Keys.ConversionRefunds);
        var readable = new List<Conversion>();
        var unreadable = 0;
        for (var i = 0; i < records.Length; i++)
        {
            var pathOf = paths[i].ToDictionary(e => (string)e.Name!, e => (string?)e.Value, StringComparer.Ordinal);
            var refundOf = refunds[i].ToDictionary(e => (string)e.Name!, e => (string?)e.Value, StringComparer.Ordinal);
            foreach (var entry in records[i])
            {
                var id = (string)entry.Name!;
                if (Read(entry.Value, pathOf.GetValueOrDefault(id), refundOf.GetValueOrDefault(id)) is { } conversion)
                {
                    readable.Add(conversion);
                }
                else
                {
                    unreadable++;
                    Log.Unreadable(logger, id);
                }
            }
        }
        if (unreadable > 0)
        {
            _unreadable.Add(unreadable);
        }
        return new Conversions(readable, unreadable);
    }

    private static Conversion? Read(RedisValue record, string? path, string? refunds)
    {
        try
        {
            var r = JsonSerializer.Deserialize((string)record!, DonationsJson.Default.ConversionRecord);
            var touches = string.IsNullOrEmpty(path) ? [] : JsonSerializer.Deserialize(path, SessionsJson.Default.ListTouch);
            var refunded = string.IsNullOrEmpty(refunds) ? 0 : JsonSerializer.Deserialize(refunds, DonationsJson.Default.RefundState)?.Refunded ?? 0;
            return r is null || touches is null ? null
                : new Conversion(r.Amount, r.Currency, r.At, touches, r.SelectedCampaign, r.Platform, Money.ToMajor(refunded, r.Currency));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Days × partitions hashes, pipelined a month at a time so a year-long report holds only a month of pending reads.
    private async Task<HashEntry[][]> ReadAllAsync(ReportRange range, Func<string, string, string> key)
    {
        var all = new List<HashEntry[]>();
        foreach (var days in range.Days().Chunk(31))
        {
            var batch = db.CreateBatch();
            var reads = days.SelectMany(day => Partitions.Tags.Select(tag => batch.HashGetAllAsync(key(tag, day)))).ToList();
            batch.Execute();
            all.AddRange(await Task.WhenAll(reads));
        }
        return [.. all];
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Conversion {CheckoutSessionId} could not be read and is missing from this report (see unreadableConversions)")]
        public static partial void Unreadable(ILogger logger, string checkoutSessionId);
    }
}
