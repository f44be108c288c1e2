using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>A checkout or conversion to record, with its event member and queued outbox entry.</summary>
/// <param name="Platform">For a conversion, the ad platform it came from (<see cref="ClickIds.AdPlatform"/>), kept in its record.</param>
internal sealed record DonationWrite(string SessionId, string EventId, long Timestamp, string Member, QueuedEntry Outbox, string? Platform = null);

/// <summary>Gateways of initiate_checkout.lua and record_stripe.lua: one script each, on the session's slot.</summary>
internal sealed class DonationStore(IDatabase db, IOptions<SessionLimitOptions> options, IOptions<AggregateOptions> aggregates, IOptions<RetentionOptions> retention)
{
    private static readonly ScriptLayout InitiateLayout = new(
        ["sess", "events", "seen", "due", "items", .. Aggregates.ScriptKeys, "ledger"],
        ["ttl", "now", "event_id", "score", "member", "amount", "currency", "checkout_id", "entry", "max_events", "slot", "ledger_ttl", "retain", "campaign"],
        new ScriptList("outbox", "id"), Aggregates.CampaignList);
    private static readonly RedisScript Initiate = RedisScript.Load("initiate_checkout.lua", InitiateLayout, statuses: typeof(ServerEventStatus));

    private static readonly ScriptLayout ReserveLayout = new(["sess", "ledger"], ["slot", "max", "ledger_ttl"]);
    private static readonly RedisScript Reserve = RedisScript.Load("reserve_checkout.lua", ReserveLayout, statuses: typeof(SlotStatus));

    private static readonly ScriptLayout ReleaseLayout = new(["ledger"], ["slot"]);
    private static readonly RedisScript Release = RedisScript.Load("release_checkout.lua", ReleaseLayout);

    private static readonly ScriptLayout StripeLayout = new(
        ["sess", "events", "seen", "due", "items", "ledger", "conversions", "paths", "touches"],
        ["stripe_event", "checkout_id", "kind", "at", "amount", "currency", "checkout_type", "payment_method", "member", "entry", "ledger_ttl", "now", "conversion", "retain", "sent_at"],
        new ScriptList("outbox", "id"));
    private static readonly RedisScript Stripe = RedisScript.Load("record_stripe.lua", StripeLayout, statuses: typeof(StripeOutcome));

    // Longer than Stripe's 3-day retry window, so a late duplicate is still recognised.
    internal static readonly TimeSpan LedgerTtl = TimeSpan.FromDays(30);

    /// <summary>Takes one of the session's checkout slots for this idempotency key, before Stripe is called.</summary>
    public async Task<SlotStatus> ReserveCheckoutAsync(string sessionId, string slot, int max)
    {
        var call = new ScriptCall(ReserveLayout)
            .Key("sess", Keys.Session(sessionId)).Key("ledger", Keys.StripeLedger(sessionId))
            .Arg("slot", slot).Arg("max", max).Arg("ledger_ttl", (long)LedgerTtl.TotalSeconds);
        return ScriptResult.From(await Reserve.RunAsync(db, call)).Status<SlotStatus>();
    }

    /// <summary>Gives back a slot Stripe did not fill (a slot already holding a Checkout Session is kept).</summary>
    public async Task ReleaseCheckoutAsync(string sessionId, string slot)
    {
        var call = new ScriptCall(ReleaseLayout).Key("ledger", Keys.StripeLedger(sessionId)).Arg("slot", slot);
        await Release.RunAsync(db, call);
    }

    /// <param name="slot">The idempotency key whose slot (see <see cref="ReserveCheckoutAsync"/>) now holds <paramref name="checkoutId"/>.</param>
    /// <param name="campaign">The fundraising campaign donated to (the request's or the session's), or null.</param>
    public async Task<ServerEventStatus> InitiateAsync(DonationWrite write, string amount, string currency, string checkoutId, string slot, TimeSpan ttl, long now, string? campaign = null)
    {
        var sid = write.SessionId;
        var tag = Partitions.TagOf(sid);
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(now));
        var call = new ScriptCall(InitiateLayout)
            .Key("sess", Keys.Session(sid)).Key("events", Keys.Events(sid)).Key("seen", Keys.Seen(sid))
            .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag))
            .AggregateKeys(tag, day).Key("ledger", Keys.StripeLedger(sid))
            .Arg("ttl", (long)ttl.TotalSeconds).Arg("now", now).Arg("event_id", write.EventId).Arg("score", write.Timestamp)
            .Arg("member", write.Member).Arg("amount", amount).Arg("currency", currency).Arg("checkout_id", checkoutId)
            .Arg("entry", write.Outbox.Json).Arg("max_events", options.Value.MaxEventsPerSession)
            .Arg("slot", slot).Arg("ledger_ttl", (long)LedgerTtl.TotalSeconds).Arg("retain", retention.Value.Seconds)
            .Arg("campaign", campaign ?? "");
        Outbox(call, write.Outbox);
        call.ReportCampaigns(aggregates.Value.ReportCampaigns);
        return ScriptResult.From(await Initiate.RunAsync(db, call)).Status<ServerEventStatus>();
    }

    /// <param name="kind">convert, failed or expired.</param>
    /// <param name="sentAt">The Purchase's time as the destinations get it (Stripe's, ms): its visit must not start after it.</param>
    public async Task<StripeOutcome> RecordStripeAsync(
        DonationWrite write, string stripeEventId, string kind, string amount, string currency, string checkoutType, ConversionRecord conversion, long now, long sentAt,
        string? paymentMethod = null)
    {
        var sid = write.SessionId;
        var tag = Partitions.TagOf(sid);
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(write.Timestamp));
        var call = new ScriptCall(StripeLayout)
            .Key("sess", Keys.Session(sid)).Key("events", Keys.Events(sid)).Key("seen", Keys.Seen(sid))
            .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag)).Key("ledger", Keys.StripeLedger(sid))
            .Key("conversions", Keys.Conversions(tag, day)).Key("paths", Keys.ConversionPaths(tag, day)).Key("touches", Keys.Touches(sid))
            .Arg("stripe_event", stripeEventId).Arg("checkout_id", write.EventId).Arg("kind", kind).Arg("at", write.Timestamp)
            .Arg("amount", amount).Arg("currency", currency).Arg("checkout_type", checkoutType).Arg("payment_method", paymentMethod ?? "").Arg("member", write.Member)
            .Arg("entry", write.Outbox.Json).Arg("ledger_ttl", (long)LedgerTtl.TotalSeconds).Arg("now", now)
            .Arg("conversion", System.Text.Json.JsonSerializer.Serialize(conversion, DonationsJson.Default.ConversionRecord))
            .Arg("retain", retention.Value.Seconds).Arg("sent_at", sentAt);
        Outbox(call, write.Outbox);
        return ScriptResult.From(await Stripe.RunAsync(db, call)).Status<StripeOutcome>();
    }

    /// <summary>How many events the session holds (checked against Tracking__MaxEventsPerSession before Stripe is called).</summary>
    public Task<long> EventCountAsync(string sessionId) => db.SortedSetLengthAsync(Keys.Events(sessionId));

    /// <summary>
    /// Indexes a conversion under its visitor, and the visitor under the payer's e-mail hash, for export and erasure
    /// (separate slots, so separate commands, after the conversion is durable). Both live as long as conversion records.
    /// Answered 2xx to Stripe, so with Redis:AckReplicas it waits for the replicas of both keys' masters too: a 503
    /// makes Stripe deliver the event again, and that retry indexes again (idempotent sets).
    /// </summary>
    /// <summary>
    /// The day (<see cref="Aggregates.Day"/>) whose conversion records hold <paramref name="checkoutId"/>, looked up
    /// between two instants (ms): a redelivered Stripe event may arrive on a later day than the one it was recorded on.
    /// </summary>
    public async Task<string?> ConversionDayAsync(string sessionId, string checkoutId, long fromMs, long toMs)
    {
        var tag = Partitions.TagOf(sessionId);
        for (var at = DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(fromMs, toMs)).Date; at <= DateTimeOffset.FromUnixTimeMilliseconds(toMs).Date; at = at.AddDays(1))
        {
            var day = Aggregates.Day(new DateTimeOffset(at, TimeSpan.Zero));
            if (await db.HashExistsAsync(Keys.Conversions(tag, day), checkoutId))
            {
                return day;
            }
        }
        return null;
    }

    /// <summary>A conversion's member of <see cref="Keys.VisitorIndex"/>.</summary>
    internal static string ConversionMember(string sessionId, string day, string checkoutId) => $"c:{sessionId}:{day}:{checkoutId}";

    /// <param name="day">The day the conversion was recorded on (its record's key).</param>
    public async Task IndexConversionAsync(string visitorId, string sessionId, string day, string checkoutId, string? emailHash)
    {
        var ttl = TimeSpan.FromSeconds(retention.Value.Seconds);
        var index = Keys.VisitorIndex(visitorId);
        var batch = db.CreateBatch();
        var writes = new List<Task>
        {
            batch.SetAddAsync(index, ConversionMember(sessionId, day, checkoutId)),
        };
        if (emailHash is not null)
        {
            writes.Add(batch.SetAddAsync(index, "e:" + emailHash));
            writes.Add(batch.SetAddAsync(Keys.EmailIndex(emailHash), visitorId));
            writes.Add(batch.KeyExpireAsync(Keys.EmailIndex(emailHash), ttl));
        }
        // The index outlives the visit counter when it holds conversions: as long as they do.
        writes.Add(batch.KeyExpireAsync(index, ttl));
        batch.Execute();
        await Task.WhenAll(writes);
        await ReplicaAck.WrittenAsync(db, emailHash is null ? [index] : [index, Keys.EmailIndex(emailHash)]);
    }

    /// <summary>The session's visitor: from the session, else from the Stripe ledger (which outlives it).</summary>
    public async Task<string?> VisitorOfAsync(string sessionId)
    {
        var live = (string?)await db.HashGetAsync(Keys.Session(sessionId), SessionField.VisitorId);
        return string.IsNullOrEmpty(live) ? (string?)await db.HashGetAsync(Keys.StripeLedger(sessionId), "visitor") : live;
    }

    public async Task<(HashEntry[] Session, HashEntry[] Client)> ReadAsync(string sessionId)
    {
        var batch = db.CreateBatch();
        var session = batch.HashGetAllAsync(Keys.Session(sessionId));
        var client = batch.HashGetAllAsync(Keys.Client(sessionId));
        batch.Execute();
        return (await session, await client);
    }

    private static void Outbox(ScriptCall call, QueuedEntry queued)
    {
        call.List("outbox");
        foreach (var id in queued.Ids)
        {
            call.Arg("id", id);
        }
    }
}
