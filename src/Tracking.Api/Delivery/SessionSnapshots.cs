using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Delivery;

/// <summary>
/// Reads the sessions of a leased batch at send time, so consent changes and erasures since the event still apply.
/// </summary>
internal sealed class SessionSnapshots(IDatabase db)
{
    private static readonly IReadOnlyDictionary<string, string> Gone = new Dictionary<string, string>();

    /// <summary>The snapshot of an erased session: its entries are dropped (<see cref="IsErased"/>), never sent.</summary>
    private static readonly IReadOnlyDictionary<string, string> ErasedSession = new Dictionary<string, string>();

    public static bool IsErased(IReadOnlyDictionary<string, string> session) => ReferenceEquals(session, ErasedSession);

    // Only what the mappers and consent rules read: fetching whole hashes cost a fifth of the drain's CPU.
    private static readonly RedisValue[] Fields =
    [
        SessionField.VisitorId, SessionField.PosthogDistinctId, SessionField.Country, SessionField.City, SessionField.Fbp, SessionField.Fbc,
        SessionField.Fbclid, SessionField.FbclidFirstSeen, SessionField.Bot, SessionField.ConsentAnalytics, SessionField.ConsentMarketing,
        SessionField.UtmSource, SessionField.UtmMedium, SessionField.UtmCampaign, SessionField.UtmContent,
        SessionField.FirstTouchSource, SessionField.FirstTouchTimestamp, SessionField.LastTouchSource, SessionField.LastTouchMedium,
        SessionField.LastTouchCampaign, SessionField.LastTouchContent, SessionField.LastTouchTimestamp,
        SessionField.DeviceType, SessionField.Browser, SessionField.SessionCount,
        SessionField.Ttclid, SessionField.Ttp,
        SessionField.Gclid, SessionField.Gbraid, SessionField.Wbraid,
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
        await MarkErasedAsync(result);
        return result;
    }

    // Only a session that is gone can have been erased: an expired one (its Purchase still goes out) is told from an
    // erased one by the marker erasure leaves, so live sessions cost no extra read.
    private async Task MarkErasedAsync(Dictionary<string, IReadOnlyDictionary<string, string>> result)
    {
        var gone = result.Where(r => ReferenceEquals(r.Value, Gone)).Select(r => r.Key).ToList();
        if (gone.Count == 0)
        {
            return;
        }
        var batch = db.CreateBatch();
        var markers = gone.Select(id => batch.KeyExistsAsync(Keys.Erased(id))).ToList();
        batch.Execute();
        await Task.WhenAll(markers);
        for (var i = 0; i < gone.Count; i++)
        {
            if (markers[i].Result)
            {
                result[gone[i]] = ErasedSession;
            }
        }
    }
}
