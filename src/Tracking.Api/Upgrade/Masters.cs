using StackExchange.Redis;

namespace Tracking.Upgrade;

/// <summary>
/// Keys matching a pattern on every master the client knows (one on a single server or under Sentinel, each on a
/// cluster), scanned a page at a time. A node seen twice (a failover in progress) only repeats idempotent work.
/// </summary>
internal static class Masters
{
    public static async IAsyncEnumerable<RedisKey> ScanAsync(IDatabase db, string pattern)
    {
        foreach (var server in db.Multiplexer.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(db.Database, pattern, pageSize: 1000))
            {
                yield return key;
            }
        }
    }
}
