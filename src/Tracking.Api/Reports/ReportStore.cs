using System.Text.Json;
using StackExchange.Redis;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Reports;

/// <summary>Reads the durable aggregates and conversions of a range: one pipelined batch over days × partitions.</summary>
internal sealed class ReportStore(IDatabase db)
{
    /// <summary>Counter name ("metric|source|medium|campaign|content") → summed count.</summary>
    public async Task<Dictionary<string, long>> CountersAsync(ReportRange range)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var hash in await ReadAllAsync(range, Keys.Aggregate))
        {
            foreach (var entry in hash)
            {
                var name = (string)entry.Name!;
                totals[name] = totals.GetValueOrDefault(name) + (long)entry.Value;
            }
        }
        return totals;
    }

    public async Task<List<ConversionRecord>> ConversionsAsync(ReportRange range)
    {
        var records = new List<ConversionRecord>();
        foreach (var hash in await ReadAllAsync(range, Keys.Conversions))
        {
            foreach (var entry in hash)
            {
                try
                {
                    if (JsonSerializer.Deserialize((string)entry.Value!, AppJson.Default.ConversionRecord) is { } record)
                    {
                        records.Add(record);
                    }
                }
                catch (JsonException)
                {
                    // A record we cannot read is skipped rather than failing the whole report.
                }
            }
        }
        return records;
    }

    private async Task<HashEntry[][]> ReadAllAsync(ReportRange range, Func<string, string, string> key)
    {
        var batch = db.CreateBatch();
        var reads = range.Days().SelectMany(day => Partitions.Tags.Select(tag => batch.HashGetAllAsync(key(tag, day)))).ToList();
        batch.Execute();
        return await Task.WhenAll(reads);
    }
}
