using System.Text.Json;
using StackExchange.Redis;
using Tracking.Donations;
using Tracking.Storage;

namespace Tracking.Reports;

/// <summary>Reads the recurring-donation keys: every partition's active ones, and its new/cancelled counters of the range's days.</summary>
internal sealed partial class MonthlyDonorsReader(IDatabase db, ILogger<MonthlyDonorsReader> logger)
{
    public async Task<MonthlyDonors> ReadAsync(ReportRange range)
    {
        var batch = db.CreateBatch();
        var active = Partitions.Tags.Select(tag => batch.HashGetAllAsync(Keys.SubscriptionsActive(tag))).ToList();
        batch.Execute();
        long count = 0;
        var revenue = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var entry in (await Task.WhenAll(active)).SelectMany(values => values))
        {
            if (Read((string)entry.Value!) is not { } subscription)
            {
                Log.Unreadable(logger);
                continue;
            }
            count++;
            revenue[subscription.Currency] = revenue.GetValueOrDefault(subscription.Currency) + RecurringInterval.Monthly(subscription.Amount, subscription.Interval);
        }
        long started = 0, cancelled = 0;
        foreach (var days in range.Days().Chunk(31))
        {
            var daily = db.CreateBatch();
            var reads = days.SelectMany(day => Partitions.Tags.Select(tag => daily.HashGetAsync(Keys.SubscriptionsDay(tag, day), ["new", "cancelled"]))).ToList();
            daily.Execute();
            foreach (var pair in await Task.WhenAll(reads))
            {
                started += (long?)pair[0] ?? 0;
                cancelled += (long?)pair[1] ?? 0;
            }
        }
        return new MonthlyDonors(count, started, cancelled, revenue.ToDictionary(r => r.Key, r => Math.Round(r.Value, 2), StringComparer.Ordinal));
    }

    private static ActiveSubscription? Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, DonationsJson.Default.ActiveSubscription);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "An active recurring donation could not be read and is missing from the monthly donors")]
        public static partial void Unreadable(ILogger logger);
    }
}
