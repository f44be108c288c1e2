using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>
/// Gateways of link_subscription.lua, record_renewal.lua and cancel_subscription.lua: each on the slot of the session
/// that brought the donor (its <c>subs:sess</c>, ledger, and its partition's conversion, outbox and subscription keys).
/// </summary>
internal sealed class SubscriptionStore(IDatabase db, IOptions<RetentionOptions> retention)
{
    private static readonly ScriptLayout LinkLayout = new(
        ["subs", "paths", "active", "day"], ["subscription", "hashed", "link", "active", "checkout_id", "retain"]);
    private static readonly RedisScript Link = RedisScript.Load("link_subscription.lua", LinkLayout, statuses: typeof(SubscriptionStatus));

    private static readonly ScriptLayout RenewLayout = new(
        ["subs", "active", "ledger", "conversions", "paths", "due", "items"],
        ["subscription", "hashed", "stripe_event", "invoice", "payment_intent", "conversion", "entry", "now", "ledger_ttl", "retain"],
        new ScriptList("outbox", "id"));
    private static readonly RedisScript Renew = RedisScript.Load("record_renewal.lua", RenewLayout, statuses: typeof(SubscriptionStatus));

    private static readonly ScriptLayout CancelLayout = new(
        ["subs", "active", "ended", "ledger", "day", "due", "items"],
        ["subscription", "hashed", "stripe_event", "at", "entry", "now", "ledger_ttl", "retain"],
        new ScriptList("outbox", "id"));
    private static readonly RedisScript Cancel = RedisScript.Load("cancel_subscription.lua", CancelLayout, statuses: typeof(SubscriptionStatus));

    /// <summary>The subscription's field in <see cref="Keys.SubscriptionsActive"/>: no Stripe id in a partition key.</summary>
    internal static string Hashed(string subscriptionId) => Hashing.Sha256("subscription|" + subscriptionId)[..24];

    public async Task<SubscriptionLink?> LinkOfAsync(string sessionId, string subscriptionId) =>
        (string?)await db.HashGetAsync(Keys.Subscriptions(sessionId), subscriptionId) is { } json
            ? JsonSerializer.Deserialize(json, DonationsJson.Default.SubscriptionLink)
            : null;

    /// <summary>True when the subscription is among its partition's active ones (its link may have been erased).</summary>
    public Task<bool> IsActiveAsync(string sessionId, string subscriptionId) =>
        db.HashExistsAsync(Keys.SubscriptionsActive(Partitions.TagOf(sessionId)), Hashed(subscriptionId));

    public async Task<SubscriptionStatus> LinkAsync(string sessionId, string subscriptionId, SubscriptionLink link)
    {
        var tag = Partitions.TagOf(sessionId);
        var call = new ScriptCall(LinkLayout)
            .Key("subs", Keys.Subscriptions(sessionId)).Key("paths", Keys.ConversionPaths(tag, link.Day))
            .Key("active", Keys.SubscriptionsActive(tag)).Key("day", Keys.SubscriptionsDay(tag, link.Day))
            .Arg("subscription", subscriptionId).Arg("hashed", Hashed(subscriptionId))
            .Arg("link", JsonSerializer.Serialize(link, DonationsJson.Default.SubscriptionLink))
            .Arg("active", JsonSerializer.Serialize(new ActiveSubscription(link.Amount, link.Currency, link.Interval), DonationsJson.Default.ActiveSubscription))
            .Arg("checkout_id", link.CheckoutSessionId).Arg("retain", retention.Value.Seconds);
        return ScriptResult.From(await Link.RunAsync(db, call)).Status<SubscriptionStatus>();
    }

    /// <param name="write">The renewal: its conversion's day is its payment's (<see cref="DonationWrite.Timestamp"/>).</param>
    public async Task<SubscriptionStatus> RenewAsync(
        DonationWrite write, string subscriptionId, string stripeEventId, string? paymentIntent, ConversionRecord conversion, long now)
    {
        var sid = write.SessionId;
        var tag = Partitions.TagOf(sid);
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(write.Timestamp));
        var call = new ScriptCall(RenewLayout)
            .Key("subs", Keys.Subscriptions(sid)).Key("active", Keys.SubscriptionsActive(tag)).Key("ledger", Keys.StripeLedger(sid))
            .Key("conversions", Keys.Conversions(tag, day)).Key("paths", Keys.ConversionPaths(tag, day))
            .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag))
            .Arg("subscription", subscriptionId).Arg("hashed", Hashed(subscriptionId)).Arg("stripe_event", stripeEventId)
            .Arg("invoice", write.EventId).Arg("payment_intent", paymentIntent ?? "")
            .Arg("conversion", JsonSerializer.Serialize(conversion, DonationsJson.Default.ConversionRecord))
            .Arg("entry", write.Outbox.Json).Arg("now", now).Arg("ledger_ttl", (long)DonationStore.LedgerTtl.TotalSeconds)
            .Arg("retain", retention.Value.Seconds);
        Outbox(call, write.Outbox);
        return ScriptResult.From(await Renew.RunAsync(db, call)).Status<SubscriptionStatus>();
    }

    /// <param name="write">Monthly Donation Cancelled (<see cref="QueuedEntry.None"/> when the link is gone).</param>
    public async Task<SubscriptionStatus> CancelAsync(DonationWrite write, string subscriptionId, string stripeEventId, long now)
    {
        var sid = write.SessionId;
        var tag = Partitions.TagOf(sid);
        var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(write.Timestamp));
        var call = new ScriptCall(CancelLayout)
            .Key("subs", Keys.Subscriptions(sid)).Key("active", Keys.SubscriptionsActive(tag))
            .Key("ended", Keys.SubscriptionEnded(tag, Hashed(subscriptionId))).Key("ledger", Keys.StripeLedger(sid))
            .Key("day", Keys.SubscriptionsDay(tag, day)).Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag))
            .Arg("subscription", subscriptionId).Arg("hashed", Hashed(subscriptionId)).Arg("stripe_event", stripeEventId)
            .Arg("at", write.Timestamp).Arg("entry", write.Outbox.Json).Arg("now", now)
            .Arg("ledger_ttl", (long)DonationStore.LedgerTtl.TotalSeconds).Arg("retain", retention.Value.Seconds);
        Outbox(call, write.Outbox);
        return ScriptResult.From(await Cancel.RunAsync(db, call)).Status<SubscriptionStatus>();
    }

    private static void Outbox(ScriptCall call, Delivery.QueuedEntry queued)
    {
        call.List("outbox");
        foreach (var id in queued.Ids)
        {
            call.Arg("id", id);
        }
    }
}
