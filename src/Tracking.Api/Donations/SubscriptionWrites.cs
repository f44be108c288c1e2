using Stripe;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Infrastructure;

namespace Tracking.Donations;

/// <summary>
/// What a renewal or a cancellation queues. The session is long gone, so what the checkout knew (consent, visitor,
/// click ids, page, campaign) comes from the subscription's metadata, a copy of the Checkout Session's.
/// </summary>
internal sealed class SubscriptionWrites(Outbox outbox)
{
    /// <summary>Donation Renewed, identified by the invoice (Meta's event_id, PostHog's uuid), at its payment time.</summary>
    public DonationWrite Renewal(DescribedSubscriptionEvent renewal, SubscriptionLink link)
    {
        var (sid, m, invoice) = (renewal.SessionId!, renewal.Metadata ?? [], renewal.Invoice!);
        var entry = outbox.Queue(OutboxEntry.ForDonation(
            sid, invoice.Id, EventNames.DonationRenewed, renewal.At, new(m.GetValueOrDefault(CheckoutMetadata.PageUrl), m.GetValueOrDefault(CheckoutMetadata.PageReferrer)),
            new(null, null), renewal.Amount.Major, renewal.Amount.Currency, Consent(m), Hashing.Email(invoice.CustomerEmail),
            Properties(m, link),
            visitorId: m.GetValueOrDefault(CheckoutMetadata.VisitorId), fbp: m.GetValueOrDefault(CheckoutMetadata.Fbp), fbc: m.GetValueOrDefault(CheckoutMetadata.Fbc),
            country: m.GetValueOrDefault(CheckoutMetadata.Country), ttclid: m.GetValueOrDefault(CheckoutMetadata.Ttclid), ttp: m.GetValueOrDefault(CheckoutMetadata.Ttp),
            metaRefusesEmail: invoice.CustomerEmail is { } email && !EmailAddress.MetaAccepts(email)));
        return new DonationWrite(sid, invoice.Id, renewal.At, "", entry, link.Platform);
    }

    /// <summary>Monthly Donation Cancelled (one per subscription, whatever Stripe redelivers); nothing once the link is erased.</summary>
    public DonationWrite Cancellation(DescribedSubscriptionEvent cancel, SubscriptionLink? link)
    {
        var (sid, m) = (cancel.SessionId!, cancel.Metadata ?? []);
        var eventId = "cancel_" + cancel.SubscriptionId;
        if (link is null)
        {
            return new DonationWrite(sid, eventId, cancel.At, "", QueuedEntry.None);
        }
        var entry = outbox.Queue(OutboxEntry.ForCheckout(
            sid, eventId, EventNames.DonationCancelled, cancel.At, new(m.GetValueOrDefault(CheckoutMetadata.PageUrl), m.GetValueOrDefault(CheckoutMetadata.PageReferrer)),
            new(null, null), link.Amount, link.Currency, Consent(m), Properties(m, link)) with { Value = null, Currency = null, VisitorId = m.GetValueOrDefault(CheckoutMetadata.VisitorId) });
        return new DonationWrite(sid, eventId, cancel.At, "", entry);
    }

    private static EntryConsent Consent(Dictionary<string, string> m) =>
        new(m.GetValueOrDefault(CheckoutMetadata.ConsentMarketing), m.GetValueOrDefault(CheckoutMetadata.ConsentAnalytics));

    private static Dictionary<string, System.Text.Json.JsonElement>? Properties(Dictionary<string, string> m, SubscriptionLink link) =>
        DonationProperties.Recurring(
            DonationProperties.For(m.GetValueOrDefault(CheckoutMetadata.Content), link.SelectedCampaign, (MonthlyDonation.IntervalKey, link.Interval)), recurring: true);
}
