using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Delivery;

/// <summary>Reads the sessions of a leased batch at send time, so consent changes since the event still apply.</summary>
internal sealed class SessionSnapshots(IDatabase db)
{
    private static readonly IReadOnlyDictionary<string, string> Gone = new Dictionary<string, string>();

    // Only what the mappers and consent rules read: fetching whole hashes cost a fifth of the drain's CPU.
    private static readonly RedisValue[] Fields =
    [
        "visitor_id", "posthog_distinct_id", "country", "fbp", "fbc", "fbclid", "fbclid_first_seen", "bot",
        "consent_analytics", "consent_marketing", "utm_source", "utm_medium", "utm_campaign", "utm_content",
        "first_touch_source", "first_touch_timestamp", "last_touch_source", "last_touch_medium", "last_touch_campaign",
        "last_touch_content", "last_touch_timestamp",
    ];

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> ReadAsync(IEnumerable<string> sessionIds)
    {
        var ids = sessionIds.Distinct(StringComparer.Ordinal).ToList();
        var batch = db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAsync(Keys.Session(id), Fields)).ToList();
        batch.Execute();
        await Task.WhenAll(reads);
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            var values = reads[i].Result;
            Dictionary<string, string>? fields = null;
            for (var f = 0; f < values.Length; f++)
            {
                if (!values[f].IsNull)
                {
                    (fields ??= new Dictionary<string, string>(Fields.Length, StringComparer.Ordinal))[Fields[f]!] = values[f]!;
                }
            }
            result[ids[i]] = fields ?? Gone;
        }
        return result;
    }
}
