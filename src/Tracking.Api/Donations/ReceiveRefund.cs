using StackExchange.Redis;
using Stripe;
using Tracking.Delivery;
using Tracking.Events;

namespace Tracking.Donations;

/// <summary>
/// A refund or dispute event: find the donation its payment paid (<see cref="PaymentLinks"/>), apply the event's fact
/// to what was taken back from it (<see cref="RefundState"/>), and record that once per Stripe event id, queueing the
/// change of the refunded amount as <see cref="EventNames.DonationRefunded"/> (or <see cref="EventNames.DonationRestored"/>
/// when a dispute won gives it back). A payment no donation of ours was paid with is acknowledged and changes nothing;
/// a charge of ours whose donation is not recorded yet is refused, so Stripe delivers it again once it is.
/// </summary>
internal sealed partial class ReceiveRefund(PaymentLinks links, RefundStore store, Outbox outbox, CheckoutMark mark, TimeProvider clock, ILogger<ReceiveRefund> logger)
{
    /// <summary>
    /// How long Stripe retries a failed delivery (up to three days). The donation's event was created before its
    /// refund's, so once the refund event is older than this, the donation can no longer come.
    /// </summary>
    private static readonly long RedeliveryWindowMs = (long)TimeSpan.FromDays(3).TotalMilliseconds;

    // Each conflict means another event of the same donation was recorded meanwhile; more than a few is contention
    // that Stripe's retry (after a 503) settles.
    private const int Attempts = 8;

    public async Task<StripeOutcome> RunAsync(Event stripeEvent)
    {
        if (StripeRefundEvents.Describe(stripeEvent) is not { } described)
        {
            return StripeOutcome.Ignored;
        }
        if (await links.FindAsync(described.PaymentIntentId, described.ChargeId) is not { } link)
        {
            return await UnrecordedAsync(stripeEvent, described);
        }
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await store.ReadAsync(link) is not { } donation || donation.Record.Currency != described.Currency
                || Money.ToMinor(donation.Record.Amount, donation.Record.Currency) is not { } paid)
            {
                return StripeOutcome.NotOurs;
            }
            var state = donation.State.Apply(described.Fact, paid);
            var change = state.Refunded - donation.State.Refunded;
            var entry = change == 0 ? QueuedEntry.None : outbox.Queue(Entry(stripeEvent, link, donation.Record, described, change));
            var status = await store.RecordAsync(link, stripeEvent.Id, donation.Stored, state, entry, clock.GetUtcNow().ToUnixTimeMilliseconds());
            if (status != RefundStatus.Conflict)
            {
                Log.Recorded(logger, stripeEvent.Type, status, state.Refunded, paid);
                return status == RefundStatus.DuplicateEvent ? StripeOutcome.DuplicateEvent
                    : described.Fact.Cause == RefundCause.Refund ? StripeOutcome.RecordedRefund : StripeOutcome.RecordedDispute;
            }
        }
        throw new RedisException($"The refunds of a donation changed {Attempts} times while one Stripe event was applied; not recorded, Stripe retries.");
    }

    /// <summary>
    /// A payment no donation is linked to: ours when its charge carries the mark of the session it names (only our
    /// secret key writes metadata), and then, while the donation's event may still come (this refund event is within
    /// Stripe's retry window, and the session's checkout ledger is there: an erasure deletes it with the payment's
    /// link), refused so that this event is applied after it. Anything else is acknowledged and changes nothing.
    /// </summary>
    private async Task<StripeOutcome> UnrecordedAsync(Event stripeEvent, DescribedRefund described)
    {
        if (described.Claim is not { } claim || !mark.Verifies(claim.SessionId, claim.Mark))
        {
            return StripeOutcome.NotOurs;
        }
        var age = clock.GetUtcNow().ToUnixTimeMilliseconds() - StripeEventWrites.StripeTime(stripeEvent);
        if (age > RedeliveryWindowMs || !await store.CheckoutLedgerExistsAsync(claim.SessionId))
        {
            Log.OursUnrecorded(logger, stripeEvent.Type);
            return StripeOutcome.NotOurs;
        }
        return StripeOutcome.NotYetRecorded;
    }

    /// <summary>
    /// The change as the destinations get it: the donation's page, campaign and content, visitor and consent as its
    /// checkout recorded them (the session may have expired), Stripe's time, and the Stripe event id as the event id.
    /// </summary>
    private static OutboxEntry Entry(Event stripeEvent, PaymentLink link, ConversionRecord record, DescribedRefund described, long change) =>
        OutboxEntry.ForDonation(
            link.SessionId, stripeEvent.Id, change > 0 ? EventNames.DonationRefunded : EventNames.DonationRestored,
            StripeEventWrites.StripeTime(stripeEvent), new EntryPage(record.Page, null), new EntryClient(null, null),
            Money.ToMajor(change, described.Currency), described.Currency, new EntryConsent(record.ConsentMarketing, record.ConsentAnalytics),
            emailHash: null,
            DonationProperties.For(record.Content, record.SelectedCampaign, ("refund_cause", described.Fact.Cause == RefundCause.Refund ? "refund" : "dispute")),
            visitorId: record.VisitorId);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Stripe {Type}: {Status}; refunded {Refunded} of {Paid} (minor units)")]
        public static partial void Recorded(ILogger logger, string type, RefundStatus status, long refunded, long paid);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stripe {Type} for a payment of ours has no donation, and none can still come (the event is past Stripe's retries, or the donor was erased or is past retention): acknowledged, nothing changes")]
        public static partial void OursUnrecorded(ILogger logger, string type);
    }
}
