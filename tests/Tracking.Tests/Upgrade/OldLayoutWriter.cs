using System.Text.Json;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Donations;
using Tracking.Storage;

namespace Tracking.Tests.Upgrade;

/// <summary>
/// Writes data as the versions before the upgrade step left it, and is the one description of that layout in the
/// tests (key names from <see cref="Keys"/>, ids from <see cref="OutboxId"/>):
/// <list type="bullet">
/// <item>the outbox held an event's entry once per destination, each copy in <c>outbox:{p}:items</c> under the full
/// id <c>{destination}:{session}:{event}</c>, with no destination count;</item>
/// <item>a worker of that version, meeting a shared entry it could not read, dead-lettered its id with an empty body
/// and left the shared entry counting it;</item>
/// <item>keys were written without a TTL, and sessions were not indexed under their visitor.</item>
/// </list>
/// </summary>
internal sealed class OldLayoutWriter(IDatabase db)
{
    /// <summary>
    /// Turns an event's shared entry (as the current version queued it) into the old layout: one copy per destination
    /// under its id, due at <paramref name="due"/> (ms). Returns the entry's JSON.
    /// </summary>
    public async Task<string> RequeuePerDestinationAsync(string sessionId, string eventId, long due, params string[] destinations)
    {
        var tag = Partitions.TagOf(sessionId);
        var item = OutboxId.ItemOf(OutboxId.Of(destinations[0], sessionId, eventId));
        var json = (string?)await db.HashGetAsync(Keys.OutboxItems(tag), item) ?? throw new InvalidOperationException($"no shared entry {item}");
        await db.HashDeleteAsync(Keys.OutboxItems(tag), [item, "#" + item]);
        var ids = destinations.Select(d => OutboxId.Of(d, sessionId, eventId)).ToList();
        await db.HashSetAsync(Keys.OutboxItems(tag), ids.Select(id => new HashEntry(id, json)).ToArray());
        await db.SortedSetAddAsync(Keys.OutboxDue(tag), ids.Select(id => new SortedSetEntry(id, due)).ToArray());
        return json;
    }

    /// <summary>
    /// What an old worker did with a shared entry's id: read its own id in <c>items</c> (absent), so dead-lettered it
    /// with an empty body and deleted nothing else (the shared entry keeps counting the destination).
    /// </summary>
    public async Task DeadLetterUnreadableAsync(string id, string sessionId)
    {
        var tag = Partitions.TagOf(sessionId);
        await db.SortedSetRemoveAsync(Keys.OutboxDue(tag), id);
        await db.HashSetAsync(Keys.OutboxDead(tag), id, "");
        await db.HashSetAsync(Keys.OutboxDeadReasons(tag), id, """{"reason":"unreadable entry or unknown destination","deadAt":1,"attempts":1}""");
    }

    /// <summary>The session's keys and its visitor's counter as written before TTLs, and no visitor index.</summary>
    public async Task UnindexedWithoutTtlAsync(string sessionId, string visitorId)
    {
        foreach (var key in SessionKeys(sessionId).Append(Keys.Visitor(visitorId)))
        {
            await db.KeyPersistAsync(key);
        }
        await db.KeyDeleteAsync(Keys.VisitorIndex(visitorId));
    }

    /// <summary>A conversion of the session recorded on <paramref name="day"/>, as written before the visitor index (none, no TTL).</summary>
    public async Task UnindexedConversionAsync(string sessionId, string checkoutId, string day, long at)
    {
        var record = new ConversionRecord(checkoutId, sessionId, 25m, "usd", at);
        await db.HashSetAsync(Keys.Conversions(Partitions.TagOf(sessionId), day), checkoutId, JsonSerializer.Serialize(record, DonationsJson.Default.ConversionRecord));
    }

    public static IEnumerable<string> SessionKeys(string sessionId) =>
        [Keys.Session(sessionId), Keys.Events(sessionId), Keys.Seen(sessionId), Keys.Touches(sessionId), Keys.Client(sessionId)];
}
