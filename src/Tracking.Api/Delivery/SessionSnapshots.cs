using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Delivery;

/// <summary>Reads the sessions of a leased batch at send time, so consent changes since the event still apply.</summary>
internal sealed class SessionSnapshots(IDatabase db)
{
    private static readonly IReadOnlyDictionary<string, string> Gone = new Dictionary<string, string>();

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> ReadAsync(IEnumerable<string> sessionIds)
    {
        var ids = sessionIds.Distinct(StringComparer.Ordinal).ToList();
        var batch = db.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAllAsync(Keys.Session(id))).ToList();
        batch.Execute();
        await Task.WhenAll(reads);
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            var hash = reads[i].Result;
            result[ids[i]] = hash.Length == 0 ? Gone : hash.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
        }
        return result;
    }
}
