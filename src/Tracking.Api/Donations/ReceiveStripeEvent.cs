using Microsoft.Extensions.Options;
using Stripe;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>
/// The Stripe webhook's use case: verify the signed event, describe it, record its effects exactly once (ledger by
/// Stripe event id and by Checkout Session), then index a conversion under its visitor. Done once the effects are
/// durable in Redis; delivery to Meta and PostHog is the outbox's job.
/// </summary>
internal sealed partial class ReceiveStripeEvent(
    DonationStore store, StripeEventWrites writes, CheckoutMark mark, IStripeClient stripe, IOptions<StripeOptions> options,
    ReceiveSubscriptionEvent subscriptions, TimeProvider clock, ILogger<ReceiveStripeEvent> logger, PaymentLinks links, ReceiveRefund refunds)
{
    public async Task<StripeOutcome> RunAsync(string payload, string signature, CancellationToken aborted)
    {
        var (stripeEvent, refused) = Verify(payload, signature);
        if (stripeEvent is null)
        {
            return refused;
        }
        if (SubscriptionEvents.Handles(stripeEvent.Type))
        {
            return await subscriptions.RunAsync(stripeEvent, aborted);
        }
        if (StripeRefundEvents.Handles(stripeEvent.Type))
        {
            return await refunds.RunAsync(stripeEvent);
        }
        var described = StripeWebhookEvents.Describe(stripeEvent, mark);
        if (!described.Records)
        {
            return Acknowledge(described);
        }
        var outcome = await RecordAsync(stripeEvent, described, aborted);
        var name = outcome.Name();
        Log.Processed(logger, stripeEvent.Type, name);
        return outcome;
    }

    private (Event? Event, StripeOutcome Refused) Verify(string payload, string signature)
    {
        var o = options.Value;
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(o.WebhookSecret))
        {
            return (null, StripeOutcome.MissingSignature);
        }
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(
                payload, signature, o.WebhookSecret, o.WebhookToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException)
        {
            return (null, StripeOutcome.InvalidSignature);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return (null, StripeOutcome.Unreadable);
        }
        if (stripeEvent.ApiVersion != StripeConfiguration.ApiVersion)
        {
            Log.ApiVersion(logger, stripeEvent.ApiVersion ?? "", StripeConfiguration.ApiVersion);
        }
        return (stripeEvent, default);
    }

    /// <summary>2xx for an event that records nothing, so Stripe stops retrying an event that will never be ours.</summary>
    private StripeOutcome Acknowledge(DescribedStripeEvent described)
    {
        if (described.Action == StripeAction.NotOurs && described.Checkout?.Metadata?.ContainsKey(CheckoutMetadata.Mark) == true)
        {
            // Marked, but not with our key for that session: a rolled Stripe__WebhookSecret, or a forgery.
            Log.MarkMismatch(logger, described.Checkout.Id ?? "");
        }
        return described.Acknowledged;
    }

    private async Task<StripeOutcome> RecordAsync(Event stripeEvent, DescribedStripeEvent described, CancellationToken aborted)
    {
        var (checkout, sid, amount) = (described.Checkout!, described.SessionId!, described.Amount);
        var converts = described.Action == StripeAction.Convert;
        var checkoutType = checkout.CustomerId is null && checkout.Customer is null ? "guest" : "customer";
        var paymentMethod = converts ? await StripePaymentMethod.ReadAsync(stripe, checkout, logger, aborted) : null;
        var receivedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var write = converts
            ? await writes.PurchaseAsync(stripeEvent, checkout, sid, amount, receivedAt, checkoutType, paymentMethod)
            : StripeEventWrites.Note(stripeEvent, described, receivedAt);
        var metadata = checkout.Metadata ?? [];
        var paymentId = converts ? await PaymentIdAsync(checkout, aborted) : checkout.PaymentIntentId;
        var conversion = new ConversionRecord(checkout.Id, sid, amount.Major, amount.Currency, write.Timestamp, StripeEventWrites.Campaign(checkout), write.Platform,
            metadata.GetValueOrDefault(CheckoutMetadata.PageUrl), metadata.GetValueOrDefault(CheckoutMetadata.Content), metadata.GetValueOrDefault(CheckoutMetadata.VisitorId),
            metadata.GetValueOrDefault(CheckoutMetadata.ConsentMarketing), metadata.GetValueOrDefault(CheckoutMetadata.ConsentAnalytics), paymentId);
        var outcome = await store.RecordStripeAsync(
            write, stripeEvent.Id, described.ScriptKind, amount.Text, amount.Currency, checkoutType, conversion,
            clock.GetUtcNow().ToUnixTimeMilliseconds(), StripeEventWrites.StripeTime(stripeEvent), paymentMethod);
        // Also on a redelivery of the same event: the first delivery may have been answered 503 after recording the
        // conversion but before its index was written or confirmed on the replicas (Redis__AckReplicas).
        if (converts && outcome is StripeOutcome.Converted or StripeOutcome.ConvertedUnattributed or StripeOutcome.DuplicateEvent)
        {
            var day = await IndexAsync(stripeEvent, checkout, sid, paymentId, write.Timestamp, redelivered: outcome == StripeOutcome.DuplicateEvent);
            if (day is not null && checkout.Mode == "subscription")
            {
                await subscriptions.LinkAsync(checkout, sid, amount, write, day);
            }
            if (paymentId is null && checkout.Mode == "subscription")
            {
                return StripeOutcome.PaymentUnknown;
            }
        }
        return outcome;
    }

    // What a refund or dispute of this payment will name: a one-off Checkout Session's PaymentIntent; a monthly
    // donation's first payment has none of its own (subscription mode), its invoice's payment is asked of Stripe.
    private async Task<string?> PaymentIdAsync(Stripe.Checkout.Session checkout, CancellationToken aborted) =>
        checkout.PaymentIntentId is null && checkout.Mode == "subscription" && checkout.InvoiceId is { Length: > 0 } invoice
            ? await SubscriptionPayments.PaymentIntentAsync(stripe, new Invoice { Id = invoice }, logger, aborted)
            : checkout.PaymentIntentId;

    /// <summary>Indexes the conversion under its visitor (and the payer's e-mail hash), for export and erasure; answers its day.</summary>
    private async Task<string?> IndexAsync(Event stripeEvent, Stripe.Checkout.Session checkout, string sid, string? paymentId, long recordedAt, bool redelivered)
    {
        var visitor = await store.VisitorOfAsync(sid) ?? (checkout.Metadata ?? []).GetValueOrDefault(CheckoutMetadata.VisitorId);
        // A redelivery may come on a later day than the first delivery recorded the conversion on: index that day's record.
        var day = redelivered
            ? await store.ConversionDayAsync(sid, checkout.Id, StripeEventWrites.StripeTime(stripeEvent), recordedAt)
            : Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(recordedAt));
        if (day is not null)
        {
            await links.LinkAsync(new PaymentLink(sid, day, checkout.Id), paymentId);
        }
        if (day is not null && !string.IsNullOrEmpty(visitor) && Ids.IsSafe(visitor, 64))
        {
            await store.IndexConversionAsync(visitor, sid, day, checkout.Id, Hashing.Email(checkout.CustomerDetails?.Email));
        }
        return day;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event api_version {EventVersion} differs from the library's {LibraryVersion}; processed as it parsed")]
        public static partial void ApiVersion(ILogger logger, string eventVersion, string libraryVersion);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout Session {CheckoutId} carries a tracking_mark that does not verify (Stripe__WebhookSecret rolled while it was open, or a forgery); acknowledged, not recorded")]
        public static partial void MarkMismatch(ILogger logger, string checkoutId);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stripe {Type}: {Outcome}")]
        public static partial void Processed(ILogger logger, string type, string outcome);
    }
}
