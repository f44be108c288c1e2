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
        SessionField.VisitorId, SessionField.PosthogDistinctId, SessionField.Country, SessionField.City, SessionField.Fbp, SessionField.Fbc,
        SessionField.Fbclid, SessionField.FbclidFirstSeen, SessionField.Bot, SessionField.ConsentAnalytics, SessionField.ConsentMarketing,
        SessionField.UtmSource, SessionField.UtmMedium, SessionField.UtmCampaign, SessionField.UtmContent,
        SessionField.FirstTouchSource, SessionField.FirstTouchTimestamp, SessionField.LastTouchSource, SessionField.LastTouchMedium,
        SessionField.LastTouchCampaign, SessionField.LastTouchContent, SessionField.LastTouchTimestamp,
        SessionField.DeviceType, SessionField.Browser, SessionField.SessionCount,
        SessionField.LandingPage, SessionField.ReferrerUrl, SessionField.LastPage,
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
