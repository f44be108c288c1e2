using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Donations;
using Tracking.Infrastructure;
using Tracking.Sessions;
using Tracking.Storage;
using Tracking.Events;

namespace Tracking.Upgrade;

/// <summary>
/// Gives every key that should expire, and has no TTL, the lifetime docs/redis-layout.md states for it, counted from
/// the upgrade (a key's last write is not known, so nothing is cut short). <c>EXPIRE … NX</c>: a key that has a TTL
/// keeps it, so a second run, or a script writing meanwhile, is never overridden. Queues and the id secrets have no
/// TTL by design and are not touched.
/// </summary>
internal sealed class TtlUpgrade(
    IDatabase db, IOptions<SessionLimitOptions> tracking, IOptions<VisitorOptions> visitors, IOptions<RetentionOptions> retention, IOptions<DeliveryOptions> delivery)
{
    private const int Page = 500;

    /// <summary>Returns how many keys got a TTL.</summary>
    public async Task<long> RunAsync()
    {
        var session = tracking.Value.SessionTtl;
        var reports = TimeSpan.FromSeconds(retention.Value.Seconds);
        var dead = delivery.Value.DeadLetterRetention;
        var visitor = visitors.Value.VisitorRetention;
        (string Pattern, TimeSpan Ttl)[] lifetimes =
        [
            (Keys.Session("*"), session), (Keys.Events("*"), session), (Keys.Seen("*"), session),
            (Keys.Touches("*"), session), (Keys.Client("*"), session),
            (Keys.StripeLedger("*"), DonationStore.LedgerTtl),
            (Keys.Visitor("*"), visitor),
            (Keys.EmailIndex("*"), reports),
            (Keys.Aggregate("*", "*"), reports), (Keys.Conversions("*", "*"), reports),
            (Keys.OutboxDead("*"), dead), (Keys.OutboxDeadReasons("*"), dead),
        ];
        long set = 0;
        foreach (var (pattern, ttl) in lifetimes)
        {
            set += await ExpireAsync(Masters.ScanAsync(db, pattern), _ => Task.FromResult(ttl));
        }
        // The index outlives the visit counter once it holds a conversion: as long as the conversion does.
        set += await ExpireAsync(Masters.ScanAsync(db, Keys.VisitorIndex("*")), async key =>
        {
            await foreach (var _ in db.SetScanAsync(key, "c:*", pageSize: 100))
            {
                return reports;
            }
            return visitor;
        });
        return set;
    }

    private async Task<long> ExpireAsync(IAsyncEnumerable<RedisKey> keys, Func<RedisKey, Task<TimeSpan>> ttlOf)
    {
        long set = 0;
        var page = new List<Task<bool>>(Page);
        await foreach (var key in keys)
        {
            page.Add(ExpireOneAsync(key, ttlOf));
            if (page.Count == Page)
            {
                set += (await Task.WhenAll(page)).Count(b => b);
                page.Clear();
            }
        }
        return set + (await Task.WhenAll(page)).Count(b => b);
    }

    private async Task<bool> ExpireOneAsync(RedisKey key, Func<RedisKey, Task<TimeSpan>> ttlOf) =>
        await db.KeyExpireAsync(key, await ttlOf(key), ExpireWhen.HasNoExpiry);
}
