using System.Text.Json;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Donations;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Privacy;

/// <summary>
/// Everything kept about one visitor, found through <c>visitor:{id}:index</c> (sessions, conversions, e-mail hashes,
/// PostHog distinct ids):
/// read for export, removed for erasure. Rare operator requests: each key is read or written by its own command (any
/// slot), and the outbox of each session's partition is scanned for that session's entries.
/// </summary>
internal sealed class VisitorStore(IDatabase db, OutboxStore outbox)
{
    private sealed record Index(
        List<string> Sessions, List<(string Sid, string Day, string Checkout)> Conversions, List<string> Emails, List<string> PostHogIds);

    private async Task<Index> ReadIndexAsync(string visitorId)
    {
        var index = new Index([], [], [], []);
        foreach (var member in await db.SetMembersAsync(Keys.VisitorIndex(visitorId)))
        {
            var m = member.ToString();
            if (m.StartsWith("s:", StringComparison.Ordinal) && Ids.IsSessionId(m[2..]))
            {
                index.Sessions.Add(m[2..]);
            }
            else if (m.StartsWith("c:", StringComparison.Ordinal) && m.Split(':', 4) is [_, var sid, var day, var cs] && Ids.IsSessionId(sid))
            {
                index.Conversions.Add((sid, day, cs));
            }
            else if (m.StartsWith("e:", StringComparison.Ordinal))
            {
                index.Emails.Add(m[2..]);
            }
            else if (m.StartsWith("p:", StringComparison.Ordinal) && m.Length > 2)
            {
                index.PostHogIds.Add(m[2..]);
            }
        }
        foreach (var (sid, _, _) in index.Conversions.Where(c => !index.Sessions.Contains(c.Sid)).ToList())
        {
            index.Sessions.Add(sid);
        }
        return index;
    }

    public async Task<IReadOnlyList<string>> VisitorsByEmailAsync(string emailHash) =>
        (await db.SetMembersAsync(Keys.EmailIndex(emailHash))).Select(v => v.ToString()).Order(StringComparer.Ordinal).ToList();

    /// <summary>Null when nothing is kept about the visitor.</summary>
    public async Task<VisitorExport?> ExportAsync(string visitorId)
    {
        var count = (long?)await db.StringGetAsync(Keys.Visitor(visitorId));
        var index = await ReadIndexAsync(visitorId);
        var sessions = new List<SessionExport>();
        var pending = new List<OutboxExport>();
        var dead = new List<OutboxExport>();
        var subscriptions = new List<SubscriptionExport>();
        foreach (var sid in index.Sessions)
        {
            var attributes = Dict(await db.HashGetAllAsync(Keys.Session(sid)));
            var client = Dict(await db.HashGetAllAsync(Keys.Client(sid)));
            var events = (await db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(e => Json(e.ToString())).ToList();
            var touches = (await db.ListRangeAsync(Keys.Touches(sid))).Select(e => Json(e.ToString())).ToList();
            var ledger = Dict(await db.HashGetAllAsync(Keys.StripeLedger(sid)));
            if (attributes.Count + client.Count + events.Count + touches.Count + ledger.Count > 0)
            {
                sessions.Add(new SessionExport(sid, attributes, client, events, touches, ledger));
            }
            subscriptions.AddRange(await SubscriptionsAsync(sid));
            var tag = Partitions.TagOf(sid);
            foreach (var e in await outbox.PendingAsync(tag, await PendingIdsAsync(tag, sid)))
            {
                pending.Add(new OutboxExport(e.Id, Json(e.Entry), null));
            }
            foreach (var e in await ScanAsync(Keys.OutboxDead(tag), sid))
            {
                var reason = await db.HashGetAsync(Keys.OutboxDeadReasons(tag), e.Name);
                dead.Add(new OutboxExport(e.Name!, Json(e.Value!), reason.IsNullOrEmpty ? null : Json(reason!)));
            }
        }
        var conversions = new List<ConversionExport>();
        foreach (var (sid, day, cs) in index.Conversions)
        {
            var tag = Partitions.TagOf(sid);
            var record = await db.HashGetAsync(Keys.Conversions(tag, day), cs);
            if (!record.IsNullOrEmpty)
            {
                var path = await db.HashGetAsync(Keys.ConversionPaths(tag, day), cs);
                var refunds = await db.HashGetAsync(Keys.ConversionRefunds(tag, day), cs);
                conversions.Add(new ConversionExport(day, Json(record!), path.IsNullOrEmpty ? null : Json(path!), refunds.IsNullOrEmpty ? null : Json(refunds!)));
            }
        }
        if (count is null && sessions.Count == 0 && conversions.Count == 0 && pending.Count == 0 && dead.Count == 0 && index.Emails.Count == 0
            && index.PostHogIds.Count == 0 && subscriptions.Count == 0)
        {
            return null;
        }
        return new VisitorExport(visitorId, count, index.Emails, index.PostHogIds, sessions, conversions, pending, dead, subscriptions);
    }

    /// <summary>
    /// The PostHog distinct ids the visitor's records carry (its id, its sessions' ids, the ids its index keeps and its
    /// live sessions name; read before erasing them), split into those only this visitor used (to delete) and those
    /// another visitor's records carry too (kept: deleting them would delete that visitor's person).
    /// </summary>
    public async Task<PostHogPersons> PostHogPersonsAsync(string visitorId)
    {
        var index = await ReadIndexAsync(visitorId);
        var ids = new HashSet<string>(StringComparer.Ordinal) { visitorId };
        ids.UnionWith(index.Sessions);
        ids.UnionWith(index.PostHogIds);
        foreach (var sid in index.Sessions)
        {
            if ((string?)await db.HashGetAsync(Keys.Session(sid), SessionField.PosthogDistinctId) is { Length: > 0 } distinct)
            {
                ids.Add(distinct);
            }
        }
        var delete = new List<string>();
        var kept = new List<string>();
        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            (await UsedByAnotherAsync(id, visitorId, index.Sessions) ? kept : delete).Add(id);
        }
        return new PostHogPersons(delete, kept);
    }

    // Another visitor named the id as its PostHog id (or so many did that the index stopped counting), or the id is
    // another live visitor's own id or another visitor's session id (their events' fallback distinct ids).
    private async Task<bool> UsedByAnotherAsync(string id, string visitorId, List<string> ownSessions)
    {
        if ((await db.SetMembersAsync(Keys.PostHogVisitors(id))).Any(v => v != visitorId))
        {
            return true;
        }
        if (id != visitorId && Ids.IsSafe(id, 64)
            && (await db.KeyExistsAsync(Keys.Visitor(id)) || await db.KeyExistsAsync(Keys.VisitorIndex(id))))
        {
            return true;
        }
        return !ownSessions.Contains(id) && Ids.IsSessionId(id)
            && (string?)await db.HashGetAsync(Keys.Session(id), SessionField.VisitorId) is { Length: > 0 } owner && owner != visitorId;
    }

    /// <summary>Removes everything kept about the visitor; conversions keep amount, currency, day and attribution path only.</summary>
    /// <remarks>
    /// With Redis:AckReplicas, every key written is confirmed on its master's replicas (<see cref="ReplicaAck.WrittenAsync"/>)
    /// before the index that finds them is deleted, so an erasure answered 503 (replicas too slow) is found again and
    /// completed by its retry; the index's own deletion is confirmed last, on every call.
    /// </remarks>
    public async Task<ErasureResult> EraseAsync(string visitorId)
    {
        var index = await ReadIndexAsync(visitorId);
        long keys = 0, pendingCount = 0, deadCount = 0, anonymised = 0;
        var signups = 0;
        var written = new List<RedisKey>();
        foreach (var sid in index.Sessions)
        {
            // First, so a worker that leased this session's entries before they are removed drops them at send time.
            await db.StringSetAsync(Keys.Erased(sid), "1", IndexSet.ErasedMarkerLife);
            written.Add(Keys.Erased(sid));
            signups += (string?)await db.HashGetAsync(Keys.Session(sid), SessionField.EmailSignup) == "true" ? 1 : 0;
            // A recurring donation's link goes too; its anonymous entry among the active ones stays counted until it ends.
            foreach (var key in new[] { Keys.Session(sid), Keys.Events(sid), Keys.Seen(sid), Keys.Touches(sid), Keys.Client(sid), Keys.StripeLedger(sid), Keys.Subscriptions(sid) })
            {
                keys += await db.KeyDeleteAsync(key) ? 1 : 0;
                written.Add(key);
            }
            var tag = Partitions.TagOf(sid);
            written.Add(Keys.OutboxDue(tag)); // stands for the partition's outbox keys: one slot
            var ids = await PendingIdsAsync(tag, sid);
            if (ids.Count > 0)
            {
                var names = ids.Select(id => (RedisValue)id).ToArray();
                pendingCount += await db.SortedSetRemoveAsync(Keys.OutboxDue(tag), names);
                await db.HashDeleteAsync(Keys.OutboxTries(tag), names);
                // The shared entry and its destination count.
                var items = ids.SelectMany(id => new RedisValue[] { OutboxId.ItemOf(id), "#" + OutboxId.ItemOf(id) }).Distinct().ToArray();
                await db.HashDeleteAsync(Keys.OutboxItems(tag), items);
            }
            var dead = (await ScanAsync(Keys.OutboxDead(tag), sid)).Select(e => e.Name).ToArray();
            if (dead.Length > 0)
            {
                await db.HashDeleteAsync(Keys.OutboxDeadReasons(tag), dead);
                deadCount += await db.HashDeleteAsync(Keys.OutboxDead(tag), dead);
            }
        }
        foreach (var (sid, day, cs) in index.Conversions)
        {
            anonymised += await AnonymiseAsync(Partitions.TagOf(sid), day, cs) ? 1 : 0;
            written.Add(Keys.Conversions(Partitions.TagOf(sid), day));
            written.Add(Keys.ConversionRefunds(Partitions.TagOf(sid), day));
        }
        foreach (var email in index.Emails)
        {
            await db.SetRemoveAsync(Keys.EmailIndex(email), visitorId);
            written.Add(Keys.EmailIndex(email));
        }
        foreach (var distinct in index.PostHogIds)
        {
            await db.SetRemoveAsync(Keys.PostHogVisitors(distinct), visitorId);
            written.Add(Keys.PostHogVisitors(distinct));
        }
        await ReplicaAck.WrittenAsync(db, written);
        keys += await db.KeyDeleteAsync(Keys.Visitor(visitorId)) ? 1 : 0;
        keys += await db.KeyDeleteAsync(Keys.VisitorIndex(visitorId)) ? 1 : 0;
        keys += await db.KeyDeleteAsync(Keys.VisitorSessions(visitorId)) ? 1 : 0;
        await ReplicaAck.WrittenAsync(db, [Keys.Visitor(visitorId), Keys.VisitorIndex(visitorId), Keys.VisitorSessions(visitorId)]);
        return new ErasureResult(1, index.Sessions.Count, index.Conversions.Count, signups, index.Emails.Count, keys, pendingCount, deadCount,
            anonymised, 0, 0, "not-configured");
    }

    public async Task DeleteEmailAsync(string emailHash)
    {
        await db.KeyDeleteAsync(Keys.EmailIndex(emailHash));
        await ReplicaAck.WrittenAsync(db, [Keys.EmailIndex(emailHash)]);
    }

    public async Task AuditAsync(string visitorId, ErasureResult result, long at, TimeSpan retention)
    {
        var hash = Hashing.Sha256("erasure|" + visitorId);
        var json = JsonSerializer.Serialize(new ErasureAudit(hash, at, result), PrivacyJson.Default.ErasureAudit);
        await db.StringSetAsync(Keys.ErasureAudit(hash, at), json, retention);
        await ReplicaAck.WrittenAsync(db, [Keys.ErasureAudit(hash, at)]);
    }

    /// <summary>
    /// Rewrites a conversion without its session and checkout ids (under a field derived from the checkout id, so
    /// the reports count it once); amount, currency, time and attribution path stay, so reports by source, medium and
    /// campaign do not change. The path's free-text fields (utm_content, utm_term) go: a visitor may have typed them.
    /// Its refunds keep only the amount refunded (net stays); the Stripe charge and dispute ids go.
    /// </summary>
    private async Task<bool> AnonymiseAsync(string tag, string day, string checkoutId)
    {
        var conversions = Keys.Conversions(tag, day);
        var paths = Keys.ConversionPaths(tag, day);
        var raw = await db.HashGetAsync(conversions, checkoutId);
        if (raw.IsNullOrEmpty)
        {
            return false;
        }
        var field = "erased-" + Hashing.Sha256(checkoutId)[..24];
        ConversionRecord? record;
        try
        {
            record = JsonSerializer.Deserialize((string)raw!, DonationsJson.Default.ConversionRecord);
        }
        catch (JsonException)
        {
            record = null;
        }
        if (record is not null)
        {
            var kept = new ConversionRecord(field, "", record.Amount, record.Currency, record.At, Platform: record.Platform);
            await db.HashSetAsync(conversions, field, JsonSerializer.Serialize(kept, DonationsJson.Default.ConversionRecord));
            var path = await db.HashGetAsync(paths, checkoutId);
            if (!path.IsNull)
            {
                await db.HashSetAsync(paths, field, WithoutFreeText(path!));
            }
            await AnonymiseRefundsAsync(Keys.ConversionRefunds(tag, day), checkoutId, field);
            if (record.PaymentId is { Length: > 0 } payment)
            {
                // The link names the session: gone with it (a later refund of that payment then changes nothing).
                await db.KeyDeleteAsync(Keys.PaymentLink(payment));
            }
        }
        await db.HashDeleteAsync(Keys.ConversionRefunds(tag, day), checkoutId);
        await db.HashDeleteAsync(paths, checkoutId);
        return await db.HashDeleteAsync(conversions, checkoutId);
    }

    /// <summary>The recurring donations kept beside a session (<c>subs:sess</c>: link, <c>path:</c> and <c>end:</c> fields per subscription).</summary>
    private async Task<IEnumerable<SubscriptionExport>> SubscriptionsAsync(string sid)
    {
        var fields = Dict(await db.HashGetAllAsync(Keys.Subscriptions(sid)));
        return fields.Where(f => !f.Key.Contains(':', StringComparison.Ordinal)).Select(f => new SubscriptionExport(
            sid, f.Key, Json(f.Value), fields.TryGetValue("path:" + f.Key, out var path) ? Json(path) : null,
            fields.TryGetValue("end:" + f.Key, out var end) && long.TryParse(end, out var at) ? at : null));
    }

    private async Task AnonymiseRefundsAsync(string refunds, string checkoutId, string field)
    {
        var raw = await db.HashGetAsync(refunds, checkoutId);
        if (!raw.IsNullOrEmpty && Refunded(raw!) is { } refunded)
        {
            await db.HashSetAsync(refunds, field, JsonSerializer.Serialize(RefundState.Empty with { Refunded = refunded }, DonationsJson.Default.RefundState));
        }
    }

    private static long? Refunded(string raw)
    {
        try
        {
            return JsonSerializer.Deserialize(raw, DonationsJson.Default.RefundState)?.Refunded;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Outbox ids are {destination}:{session id}:{event id}; session ids are base64url, no glob characters.
    /// <summary>The session's pending outbox ids (one per destination of each queued event).</summary>
    private async Task<IReadOnlyList<string>> PendingIdsAsync(string tag, string sessionId)
    {
        var found = new List<string>();
        await foreach (var e in db.SortedSetScanAsync(Keys.OutboxDue(tag), $"*:{sessionId}:*", pageSize: 500))
        {
            found.Add(e.Element!);
        }
        return found;
    }

    private async Task<List<HashEntry>> ScanAsync(string key, string sessionId)
    {
        var found = new List<HashEntry>();
        await foreach (var e in db.HashScanAsync(key, $"*:{sessionId}:*", pageSize: 500))
        {
            found.Add(e);
        }
        return found;
    }

    private static readonly string[] FreeTextTouchFields = ["content", "term"];

    /// <summary>A touch path (JSON array of touches) without the fields a visitor may have typed anything into.</summary>
    internal static string WithoutFreeText(string path)
    {
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(path) is System.Text.Json.Nodes.JsonArray touches)
            {
                foreach (var touch in touches.OfType<System.Text.Json.Nodes.JsonObject>())
                {
                    foreach (var name in FreeTextTouchFields)
                    {
                        touch.Remove(name);
                    }
                }
                return touches.ToJsonString();
            }
        }
        catch (JsonException)
        {
            // Not a path this service wrote: kept out rather than kept whole.
        }
        return "[]";
    }

    private static Dictionary<string, string> Dict(HashEntry[] entries) =>
        entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);

    private static JsonElement Json(string value)
    {
        try
        {
            return JsonDocument.Parse(value).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(value, PrivacyJson.Default.String);
        }
    }
}
