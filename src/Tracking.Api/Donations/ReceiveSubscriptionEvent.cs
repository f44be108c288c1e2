using Stripe;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>
/// Recurring donations after their first payment: links a paid subscription to that payment, records each renewal
/// (<c>invoice.paid</c>, <c>subscription_cycle</c>) as a donation of the same session, and ends it on
/// <c>customer.subscription.deleted</c>. Subscriptions and invoices this service did not create are acknowledged and
/// change nothing.
/// </summary>
internal sealed partial class ReceiveSubscriptionEvent(
    SubscriptionStore store, DonationStore donations, SubscriptionWrites writes, CheckoutMark mark, IStripeClient stripe,
    PaymentLinks links, TimeProvider clock, ILogger<ReceiveSubscriptionEvent> logger)
{
    public async Task<StripeOutcome> RunAsync(Event stripeEvent, CancellationToken aborted)
    {
        var described = SubscriptionEvents.Describe(stripeEvent, mark);
        var outcome = described.Action switch
        {
            SubscriptionAction.NotOurs => StripeOutcome.NotOurs,
            SubscriptionAction.FirstInvoice => StripeOutcome.FirstInvoice,
            SubscriptionAction.Renew => await RenewAsync(stripeEvent, described, aborted),
            SubscriptionAction.Cancel => await CancelAsync(stripeEvent, described),
            _ => StripeOutcome.Ignored,
        };
        var name = outcome.Name();
        Log.Processed(logger, stripeEvent.Type, name);
        return outcome;
    }

    /// <summary>Links the subscription a paid Checkout Session created to that first payment (recorded on <paramref name="day"/>).</summary>
    public async Task LinkAsync(Stripe.Checkout.Session checkout, string sid, Amount amount, DonationWrite write, string day)
    {
        if (checkout.SubscriptionId is not { Length: > 0 } subscription || !Ids.IsSafe(subscription, 255))
        {
            Log.NoSubscription(logger, checkout.Id);
            return;
        }
        var metadata = checkout.Metadata ?? [];
        var interval = metadata.GetValueOrDefault(MonthlyDonation.IntervalKey) is { } i && RecurringInterval.IsStripeInterval(i) ? i.ToLowerInvariant() : "month";
        var visitor = await donations.VisitorOfAsync(sid) ?? metadata.GetValueOrDefault(CheckoutMetadata.VisitorId);
        var link = new SubscriptionLink(checkout.Id, day, amount.Major, amount.Currency, interval, write.Timestamp,
            StripeEventWrites.Campaign(checkout), write.Platform, visitor is not null && Ids.IsSafe(visitor, 64) ? visitor : null);
        await store.LinkAsync(sid, subscription, link);
    }

    private async Task<StripeOutcome> RenewAsync(Event stripeEvent, DescribedSubscriptionEvent renewal, CancellationToken aborted)
    {
        var (sid, subscription) = (renewal.SessionId!, renewal.SubscriptionId!);
        if (await store.LinkOfAsync(sid, subscription) is not { } link)
        {
            // Before its first payment is recorded (Stripe delivers again), or erased at the donor's request.
            return await store.IsActiveAsync(sid, subscription) ? StripeOutcome.Ignored : StripeOutcome.NotYetLinked;
        }
        var intent = await SubscriptionPayments.PaymentIntentAsync(stripe, renewal.Invoice!, logger, aborted);
        var write = writes.Renewal(renewal, link);
        // The checkout's metadata, as the subscription carries it: a refund of this renewal goes out under the same
        // consent and with the same page and content as the first payment's.
        var metadata = renewal.Metadata ?? [];
        var conversion = new ConversionRecord(write.EventId, sid, renewal.Amount.Major, renewal.Amount.Currency, write.Timestamp, link.SelectedCampaign, link.Platform,
            Page: metadata.GetValueOrDefault(CheckoutMetadata.PageUrl), Content: metadata.GetValueOrDefault(CheckoutMetadata.Content), VisitorId: link.VisitorId,
            ConsentMarketing: metadata.GetValueOrDefault(CheckoutMetadata.ConsentMarketing), ConsentAnalytics: metadata.GetValueOrDefault(CheckoutMetadata.ConsentAnalytics),
            PaymentId: intent);
        var status = await store.RenewAsync(write, subscription, stripeEvent.Id, intent, conversion, clock.GetUtcNow().ToUnixTimeMilliseconds());
        // Also on a redelivery: the first delivery may have failed after recording, before indexing.
        if (status is SubscriptionStatus.Renewed or SubscriptionStatus.DuplicateEvent)
        {
            var day = Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(write.Timestamp));
            // A refund or dispute of this payment finds the renewal as it finds a first payment.
            await links.LinkAsync(new PaymentLink(sid, day, write.EventId), intent);
            if (link.VisitorId is { } visitor)
            {
                await donations.IndexConversionAsync(visitor, sid, day, write.EventId, null);
            }
            if (intent is null)
            {
                return StripeOutcome.PaymentUnknown;
            }
        }
        return status switch
        {
            SubscriptionStatus.Renewed => StripeOutcome.Renewed,
            SubscriptionStatus.DuplicateEvent => StripeOutcome.DuplicateEvent,
            SubscriptionStatus.AlreadyRenewed => StripeOutcome.AlreadyConverted,
            SubscriptionStatus.NotLinked => StripeOutcome.NotYetLinked,
            _ => StripeOutcome.Ignored,
        };
    }

    private async Task<StripeOutcome> CancelAsync(Event stripeEvent, DescribedSubscriptionEvent cancel)
    {
        var (sid, subscription) = (cancel.SessionId!, cancel.SubscriptionId!);
        var link = await store.LinkOfAsync(sid, subscription);
        if (link is null && cancel.NeverPaid)
        {
            return StripeOutcome.Ignored;
        }
        var status = await store.CancelAsync(writes.Cancellation(cancel, link), subscription, stripeEvent.Id, clock.GetUtcNow().ToUnixTimeMilliseconds());
        return status switch
        {
            SubscriptionStatus.Cancelled or SubscriptionStatus.Erased => StripeOutcome.Cancelled,
            SubscriptionStatus.DuplicateEvent => StripeOutcome.DuplicateEvent,
            SubscriptionStatus.NotLinked => StripeOutcome.NotYetLinked,
            _ => StripeOutcome.Ignored,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Paid subscription-mode Checkout Session {CheckoutId} names no subscription; its renewals cannot be linked")]
        public static partial void NoSubscription(ILogger logger, string checkoutId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stripe {Type}: {Outcome}")]
        public static partial void Processed(ILogger logger, string type, string outcome);
    }
}
