using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Tracking.Tests.Support;

/// <summary>
/// Every key of an app's Redis database with its full content (hash fields, set and sorted-set members, list items,
/// strings), as one sorted text: two snapshots are equal only if a request changed nothing at all. The facts waiting
/// in the projection logs are projected first, so the background projection cannot change the database between two
/// snapshots of a request that wrote nothing.
/// </summary>
public static class RedisSnapshot
{
    /// <summary>Projects every fact waiting in the projection logs now (as a report does before it reads).</summary>
    public static Task CatchUpProjectionAsync(this TrackingApp app) =>
        app.Services.GetRequiredService<Tracking.Projection.Projector>().CatchUpAsync();

    public static async Task<string> TakeAsync(TrackingApp app)
    {
        await app.CatchUpProjectionAsync();
        var db = app.Db;
        var text = new StringBuilder();
        foreach (var key in RedisServer.Shared.Keys(app.Database, "*").Select(k => k.ToString()).Order(StringComparer.Ordinal))
        {
            text.Append(key).Append(" = ");
            var type = await db.KeyTypeAsync(key);
            IEnumerable<string> items = type switch
            {
                RedisType.Hash => (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}:{e.Value}"),
                RedisType.Set => (await db.SetMembersAsync(key)).Select(v => v.ToString()),
                RedisType.SortedSet => (await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Score}:{e.Element}"),
                RedisType.List => (await db.ListRangeAsync(key)).Select(v => v.ToString()),
                RedisType.String => [(await db.StringGetAsync(key)).ToString()],
                _ => [type.ToString()],
            };
            text.AppendJoin(" | ", items.Order(StringComparer.Ordinal)).Append('\n');
        }
        return text.ToString();
    }
}
