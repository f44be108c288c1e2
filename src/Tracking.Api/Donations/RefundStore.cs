using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>A donation as a refund sees it: its conversion record and what has been taken back from it so far.</summary>
/// <param name="Stored">The refund state's JSON as stored ("" when none), the value record_refund.lua compares against.</param>
internal sealed record RefundedDonation(ConversionRecord Record, RefundState State, string Stored);

/// <summary>Gateway of record_refund.lua (on the donation's session slot) and the reads it is computed from.</summary>
internal sealed class RefundStore(IDatabase db, IOptions<RetentionOptions> retention)
{
    private static readonly ScriptLayout Layout = new(
        ["ledger", "refunds", "due", "items"],
        ["stripe_event", "donation", "expected", "state", "now", "entry", "ledger_ttl", "retain"],
        new ScriptList("outbox", "id"));
    private static readonly RedisScript Script = RedisScript.Load("record_refund.lua", Layout, statuses: typeof(RefundStatus));

    /// <summary>The linked donation's record and refund state, or null when its record is gone (erased, or past retention).</summary>
    public async Task<RefundedDonation?> ReadAsync(PaymentLink link)
    {
        var tag = Partitions.TagOf(link.SessionId);
        var batch = db.CreateBatch();
        var record = batch.HashGetAsync(Keys.Conversions(tag, link.Day), link.DonationId);
        var refunds = batch.HashGetAsync(Keys.ConversionRefunds(tag, link.Day), link.DonationId);
        batch.Execute();
        if (await record is not { IsNullOrEmpty: false } json
            || JsonSerializer.Deserialize((string)json!, DonationsJson.Default.ConversionRecord) is not { } conversion)
        {
            return null;
        }
        var stored = (string?)await refunds ?? "";
        var state = stored.Length == 0 ? RefundState.Empty : JsonSerializer.Deserialize(stored, DonationsJson.Default.RefundState) ?? RefundState.Empty;
        return new RefundedDonation(conversion, state, stored);
    }

    /// <summary>
    /// Whether a session's Stripe ledger exists: written when its checkout starts and kept 30 days (well past the days
    /// a completed Checkout Session may still take to arrive), deleted by an erasure; the session itself may expire sooner.
    /// </summary>
    public Task<bool> CheckoutLedgerExistsAsync(string sessionId) => db.KeyExistsAsync(Keys.StripeLedger(sessionId));

    public async Task<RefundStatus> RecordAsync(PaymentLink link, string stripeEventId, string expected, RefundState state, QueuedEntry entry, long now)
    {
        var tag = Partitions.TagOf(link.SessionId);
        var call = new ScriptCall(Layout)
            .Key("ledger", Keys.StripeLedger(link.SessionId)).Key("refunds", Keys.ConversionRefunds(tag, link.Day))
            .Key("due", Keys.OutboxDue(tag)).Key("items", Keys.OutboxItems(tag))
            .Arg("stripe_event", stripeEventId).Arg("donation", link.DonationId).Arg("expected", expected)
            .Arg("state", JsonSerializer.Serialize(state, DonationsJson.Default.RefundState)).Arg("now", now)
            .Arg("entry", entry.Json).Arg("ledger_ttl", (long)DonationStore.LedgerTtl.TotalSeconds).Arg("retain", retention.Value.Seconds);
        call.List("outbox");
        foreach (var id in entry.Ids)
        {
            call.Arg("id", id);
        }
        return ScriptResult.From(await Script.RunAsync(db, call)).Status<RefundStatus>();
    }
}
