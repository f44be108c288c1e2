using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>
/// What a recorded Stripe event writes: the session's event member, and for a conversion the queued Purchase. Meta
/// gets Stripe's own event time; the session's event list and the reports use our receipt time, which keeps the
/// journey in order (Stripe's time has whole seconds only).
/// </summary>
internal sealed class StripeEventWrites(DonationStore store, Outbox outbox, IOptions<DonationOptions> donations)
{
    /// <summary>A failed or expired checkout: a note in the session's events, nothing queued.</summary>
    public static DonationWrite Note(Event stripeEvent, DescribedStripeEvent described, long receivedAt)
    {
        var timestamp = Math.Max(receivedAt, StripeTime(stripeEvent));
        var name = described.Action == StripeAction.Fail ? EventNames.DonationFailed : EventNames.CheckoutExpired;
        var note = ServerEventMember.Write(name, stripeEvent.Id, timestamp, described.Amount.Major, described.Amount.Currency, described.Checkout!.Id);
        return new DonationWrite(described.SessionId!, stripeEvent.Id, timestamp, note, QueuedEntry.None);
    }

    /// <summary>A conversion: the Purchase member and its outbox entry, with the client and consent the session recorded.</summary>
    public async Task<DonationWrite> PurchaseAsync(
        Event stripeEvent, Session checkout, string sid, Amount amount, long receivedAt, string checkoutType, string? paymentMethod)
    {
        var stripeTime = StripeTime(stripeEvent);
        var timestamp = Math.Max(receivedAt, stripeTime);
        var (session, client) = await store.ReadAsync(sid);
        var clientFields = client.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
        var metadata = checkout.Metadata ?? [];
        // The consent recorded with the Purchase: the live session's, else what the checkout recorded in Stripe.
        string? Consent(string field, string key) => session.FirstOrDefault(e => e.Name == field).Value is { IsNullOrEmpty: false } v
            ? (string?)v : metadata.GetValueOrDefault(key);
        // The page where the donation started (not Stripe's, nor the thank-you page); older Checkout Sessions lack it.
        var page = metadata.GetValueOrDefault(CheckoutMetadata.PageUrl) ?? donations.Value.SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", checkout.Id, StringComparison.Ordinal);
        var entry = outbox.Queue(OutboxEntry.ForDonation(
            sid, checkout.Id, EventNames.Purchase, stripeTime, new(page, metadata.GetValueOrDefault(CheckoutMetadata.PageReferrer)),
            new(clientFields.GetValueOrDefault(ClientField.Ip), clientFields.GetValueOrDefault(ClientField.UserAgent)),
            amount.Major, amount.Currency,
            new(Consent(SessionField.ConsentMarketing, CheckoutMetadata.ConsentMarketing), Consent(SessionField.ConsentAnalytics, CheckoutMetadata.ConsentAnalytics)),
            // The address the payer gave Stripe, never the one typed into /checkout.
            Hashing.Email(checkout.CustomerDetails?.Email),
            DonationProperties.Recurring(
                DonationProperties.For(metadata.GetValueOrDefault(CheckoutMetadata.Content), Campaign(checkout), ("payment_method", paymentMethod), ("checkout_type", checkoutType)),
                checkout.Mode == "subscription"),
            visitorId: metadata.GetValueOrDefault(CheckoutMetadata.VisitorId), fbp: metadata.GetValueOrDefault(CheckoutMetadata.Fbp),
            fbc: metadata.GetValueOrDefault(CheckoutMetadata.Fbc), country: metadata.GetValueOrDefault(CheckoutMetadata.Country),
            ttclid: metadata.GetValueOrDefault(CheckoutMetadata.Ttclid), ttp: metadata.GetValueOrDefault(CheckoutMetadata.Ttp),
            // Google normalises addresses its own way (gmail dots and +suffixes), so it gets its own hash.
            google: new(Hashing.GoogleEmail(checkout.CustomerDetails?.Email), metadata.GetValueOrDefault(CheckoutMetadata.Gclid),
                metadata.GetValueOrDefault(CheckoutMetadata.Gbraid), metadata.GetValueOrDefault(CheckoutMetadata.Wbraid)),

            metaRefusesEmail: checkout.CustomerDetails?.Email is { } email && !EmailAddress.MetaAccepts(email)));
        var member = ServerEventMember.Write(EventNames.Purchase, checkout.Id, timestamp, amount.Major, amount.Currency, checkout.Id, checkoutType, paymentMethod);
        // Decided now, while the session's click ids are at hand (the metadata's, under the same names, once it has expired).
        var platform = ClickIds.AdPlatform.Of(f => session.FirstOrDefault(e => e.Name == f).Value is { IsNullOrEmpty: false } v ? (string?)v : metadata.GetValueOrDefault(f));
        return new DonationWrite(sid, checkout.Id, timestamp, member, entry, platform);
    }

    /// <summary>The fundraising campaign the checkout recorded in its metadata, when it is a safe id.</summary>
    public static string? Campaign(Session checkout) =>
        (checkout.Metadata ?? []).GetValueOrDefault(CheckoutMetadata.Campaign) is { } c && Ids.IsSafe(c, 64) ? c : null;

    /// <summary>Stripe's time of the event (ms; whole seconds): the Purchase's time at Meta and PostHog.</summary>
    public static long StripeTime(Event stripeEvent) => new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero).ToUnixTimeMilliseconds();
}
