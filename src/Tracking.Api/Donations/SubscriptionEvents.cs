using Stripe;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>What a verified invoice or subscription event asks of us.</summary>
internal enum SubscriptionAction
{
    Ignore,
    NotOurs,
    /// <summary>The first invoice: its payment is the Checkout Session's, counted by checkout.session.completed.</summary>
    FirstInvoice,
    Renew,
    Cancel,
}

/// <summary>A verified <c>invoice.paid</c> or <c>customer.subscription.deleted</c>, described without I/O.</summary>
/// <param name="Metadata">The subscription's metadata (the checkout's, mark included; an invoice's snapshot of it).</param>
/// <param name="At">A renewal's payment time (<c>status_transitions.paid_at</c>), a cancellation's end (ms).</param>
internal sealed record DescribedSubscriptionEvent(
    SubscriptionAction Action, string? SessionId = null, string? SubscriptionId = null, Dictionary<string, string>? Metadata = null,
    Amount Amount = default, long At = 0, Invoice? Invoice = null, bool NeverPaid = false);

internal static class SubscriptionEvents
{
    public static bool Handles(string type) => type is EventTypes.InvoicePaid or EventTypes.CustomerSubscriptionDeleted;

    /// <param name="mark">Only a subscription whose metadata carries the mark of the session it names is ours.</param>
    public static DescribedSubscriptionEvent Describe(Event stripeEvent, CheckoutMark mark)
    {
        var created = new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero).ToUnixTimeMilliseconds();
        switch (stripeEvent.Data?.Object)
        {
            case Invoice invoice when stripeEvent.Type == EventTypes.InvoicePaid:
                var details = invoice.Parent?.SubscriptionDetails;
                var action = invoice.BillingReason switch
                {
                    "subscription_create" => SubscriptionAction.FirstInvoice,
                    "subscription_cycle" => SubscriptionAction.Renew,
                    _ => SubscriptionAction.Ignore,
                };
                if (Ours(details?.Metadata, details?.SubscriptionId, mark) is not { } sid)
                {
                    return new DescribedSubscriptionEvent(SubscriptionAction.NotOurs);
                }
                var currency = (invoice.Currency ?? "").ToLowerInvariant();
                if (action == SubscriptionAction.Renew
                    && (!Money.IsCurrency(currency) || invoice.AmountPaid is not (>= 0 and < 100_000_000_000) || !Ids.IsSafe(invoice.Id, 255)))
                {
                    return new DescribedSubscriptionEvent(SubscriptionAction.NotOurs);
                }
                var paid = invoice.StatusTransitions?.PaidAt is { } at && at > DateTime.UnixEpoch
                    ? new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeMilliseconds() : created;
                return new DescribedSubscriptionEvent(action, sid, details!.SubscriptionId, details.Metadata,
                    action == SubscriptionAction.Renew ? Amount.FromMinor(invoice.AmountPaid, currency) : default, paid, invoice);
            case Subscription subscription when stripeEvent.Type == EventTypes.CustomerSubscriptionDeleted:
                if (Ours(subscription.Metadata, subscription.Id, mark) is not { } owner)
                {
                    return new DescribedSubscriptionEvent(SubscriptionAction.NotOurs);
                }
                var ended = subscription.EndedAt is { } end && end > DateTime.UnixEpoch ? new DateTimeOffset(end, TimeSpan.Zero).ToUnixTimeMilliseconds() : created;
                // A subscription whose first payment never succeeded was never a donor's: nothing to end.
                return new DescribedSubscriptionEvent(SubscriptionAction.Cancel, owner, subscription.Id, subscription.Metadata, At: ended,
                    NeverPaid: subscription.Status == "incomplete_expired");
            default:
                return new DescribedSubscriptionEvent(SubscriptionAction.Ignore);
        }
    }

    /// <summary>The session a subscription names, when its mark verifies for it (as for Checkout Sessions).</summary>
    private static string? Ours(Dictionary<string, string>? metadata, string? subscriptionId, CheckoutMark mark)
    {
        if (metadata?.GetValueOrDefault(CheckoutMetadata.SessionId) is not { } sid || !Ids.IsSessionId(sid))
        {
            return null;
        }
        return mark.Verifies(sid, metadata.GetValueOrDefault(CheckoutMetadata.Mark)) && !string.IsNullOrEmpty(subscriptionId) && Ids.IsSafe(subscriptionId, 255) ? sid : null;
    }
}
