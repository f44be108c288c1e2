using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>
/// Stripe's webhook: verified by signature, idempotent by Stripe event id and by Checkout Session, answered as soon
/// as the effects are durable in Redis (delivery to Meta and PostHog is the outbox's job).
/// </summary>
internal static partial class StripeWebhookApi
{
    public static IEndpointRouteBuilder MapStripeWebhookApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/stripe/webhook", Receive)
            .WithTags("Donations")
            .WithName("StripeWebhook")
            .WithSummary("Stripe event delivery: marks sessions converted and queues Purchase with its value.")
            .WithDescription("""
                `checkout.session.completed` (paid) or `checkout.session.async_payment_succeeded` converts the session once
                (idempotent by Stripe event id and by Checkout Session) and queues Purchase with its value.
                `async_payment_failed` and `expired` are recorded on the session; other types are acknowledged and ignored.
                Answered once the effects are durable in Redis. `outcome`: converted, converted-unattributed,
                already-converted, duplicate-event, recorded-failed, recorded-expired, awaiting-payment, not-ours or ignored.
                Only Checkout Sessions this service created are recorded: their metadata `tracking_mark` must verify for the
                session they name; any other Checkout Session on the account (a Payment Link whose buyer set
                `client_reference_id`, another integration) is acknowledged with 200 `not-ours` and changes nothing.
                400 when the signature is missing or wrong, or the payload is not a Stripe event.
                """)
            .WithRequiredHeader("Stripe-Signature", "Stripe's signature of the raw body.")
            .WithJsonBody<System.Text.Json.JsonElement>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(RateLimiting.Webhook).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    internal static async Task<Results<Ok<WebhookReceived>, ProblemHttpResult>> Receive(
        HttpContext http, DonationStore store, Outbox outbox, CheckoutMark mark, IOptions<StripeOptions> stripe, IOptions<DonationOptions> donations,
        TimeProvider clock, ILoggerFactory loggers, TrackingMetrics metrics, IStripeClient stripeClient)
    {
        var logger = loggers.CreateLogger("Tracking.Donations.StripeWebhook");
        // Signature verification needs the raw body, so it is read as text (same limits as every JSON body).
        var (payload, unreadable) = await JsonBody.ReadTextAsync(http.Request);
        if (unreadable is not null)
        {
            metrics.Webhook("unreadable");
            return unreadable;
        }
        var signature = http.Request.Headers["Stripe-Signature"].ToString();
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(stripe.Value.WebhookSecret))
        {
            metrics.Webhook("missing-signature");
            return Problems.Status(StatusCodes.Status400BadRequest, "Missing signature", "A Stripe-Signature header is required.", "Stripe-Signature");
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(
                payload!, signature, stripe.Value.WebhookSecret, stripe.Value.WebhookToleranceSeconds,
                clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (StripeException)
        {
            metrics.Webhook("invalid-signature");
            return Problems.Status(StatusCodes.Status400BadRequest, "Invalid signature", "The Stripe-Signature does not match this payload, secret and time.", "Stripe-Signature");
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            metrics.Webhook("unreadable");
            return Problems.Status(StatusCodes.Status400BadRequest, "Unreadable event", "The signed payload is not a Stripe event.", "body");
        }
        if (stripeEvent.ApiVersion != StripeConfiguration.ApiVersion)
        {
            Log.ApiVersion(logger, stripeEvent.ApiVersion ?? "", StripeConfiguration.ApiVersion);
        }

        var described = StripeWebhookEvents.Describe(stripeEvent, mark);
        if (!described.Records)
        {
            if (described.Kind == StripeOutcome.NotOurs && described.Checkout?.Metadata?.ContainsKey(CheckoutMetadata.Mark) == true)
            {
                // Marked, but not with our key for that session: a rolled Stripe__WebhookSecret, or a forgery.
                Log.MarkMismatch(logger, described.Checkout.Id ?? "");
            }
            // 2xx, so Stripe stops retrying an event that will never be ours.
            metrics.Webhook(described.Kind);
            return TypedResults.Ok(new WebhookReceived(true, described.Kind));
        }
        var (kind, checkout, sid, amount, currency) = (described.Kind, described.Checkout!, described.SessionId!, described.Amount, described.Currency);
        var checkoutType = checkout.CustomerId is null && checkout.Customer is null ? "guest" : "customer";
        var paymentMethod = kind == StripeOutcome.Convert ? await PaymentMethodAsync(stripeClient, checkout, logger, http.RequestAborted) : null;
        var write = await BuildAsync(store, outbox, donations.Value, stripeEvent, checkout, sid, kind, amount, currency, clock.GetUtcNow().ToUnixTimeMilliseconds(),
            checkoutType, paymentMethod);
        var selected = (checkout.Metadata ?? []).GetValueOrDefault(CheckoutMetadata.Campaign) is { } c && Ids.IsSafe(c, 64) ? c : null;
        var conversion = new ConversionRecord(checkout.Id, sid, decimal.Parse(amount, CultureInfo.InvariantCulture), currency, write.Timestamp, selected);
        var outcome = await store.RecordStripeAsync(
            write, stripeEvent.Id, kind, amount, currency, checkoutType, conversion, clock.GetUtcNow().ToUnixTimeMilliseconds(), StripeTime(stripeEvent), paymentMethod);
        // Also on a redelivery of the same event: the first delivery may have been answered 503 after recording the
        // conversion but before its index was written or confirmed on the replicas (Redis__AckReplicas).
        if (kind == "convert" && outcome is "converted" or "converted-unattributed" or "duplicate-event")
        {
            var visitor = (string?)await store.VisitorOfAsync(sid) ?? (checkout.Metadata ?? []).GetValueOrDefault(CheckoutMetadata.VisitorId);
            // A redelivery may come on a later day than the first delivery recorded the conversion on: index that day's record.
            var day = outcome == "duplicate-event"
                ? await store.ConversionDayAsync(sid, checkout.Id, StripeTime(stripeEvent), write.Timestamp)
                : Aggregates.Day(DateTimeOffset.FromUnixTimeMilliseconds(write.Timestamp));
            if (day is not null && !string.IsNullOrEmpty(visitor) && Ids.IsSafe(visitor, 64))
            {
                await store.IndexConversionAsync(visitor, sid, day, checkout.Id, Hashing.Email(checkout.CustomerDetails?.Email));
            }
        }
        Log.Processed(logger, stripeEvent.Type, outcome);
        metrics.Webhook(outcome);
        return TypedResults.Ok(new WebhookReceived(true, outcome));
    }

    /// <summary>
    /// Meta gets Stripe's own event time; the session's event list and the reports use our receipt time, which keeps
    /// the journey in order (Stripe's time has whole seconds only).
    /// </summary>
    private static async Task<DonationWrite> BuildAsync(
        DonationStore store, Outbox outbox, DonationOptions donations, Event stripeEvent, Session checkout, string sid, string kind,
        string amount, string currency, long receivedAt, string checkoutType = "guest", string? paymentMethod = null)
    {
        var stripeTime = StripeTime(stripeEvent);
        var timestamp = Math.Max(receivedAt, stripeTime);
        if (kind != "convert")
        {
            var name = kind == "failed" ? EventNames.DonationFailed : EventNames.CheckoutExpired;
            var note = ServerEventMember.Write(name, stripeEvent.Id, timestamp, decimal.Parse(amount, CultureInfo.InvariantCulture), currency, checkout.Id);
            return new DonationWrite(sid, stripeEvent.Id, timestamp, note, QueuedEntry.None);
        }
        var (session, client) = await store.ReadAsync(sid);
        var clientFields = client.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
        var metadata = checkout.Metadata ?? [];
        // The consent recorded with the Purchase: the live session's, else what the checkout recorded in Stripe.
        string? Consent(string field, string key) => session.FirstOrDefault(e => e.Name == field).Value is { IsNullOrEmpty: false } v
            ? (string?)v : metadata.GetValueOrDefault(key);
        var content = metadata.GetValueOrDefault(CheckoutMetadata.Content);
        var campaign = metadata.GetValueOrDefault(CheckoutMetadata.Campaign) is { } c && Ids.IsSafe(c, 64) ? c : null;
        var entry = outbox.Queue(new OutboxEntry(
            sid, checkout.Id, EventNames.Purchase, stripeTime,
            // The page where the donation started (not Stripe's, nor the thank-you page); older Checkout Sessions lack it.
            metadata.GetValueOrDefault(CheckoutMetadata.PageUrl) ?? donations.SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", checkout.Id, StringComparison.Ordinal),
            CheckoutApi.Properties(content, campaign, ("payment_method", paymentMethod), ("checkout_type", checkoutType)),
            clientFields.GetValueOrDefault(ClientField.Ip), clientFields.GetValueOrDefault(ClientField.UserAgent),
            // The address the payer gave Stripe, never the one typed into /checkout.
            decimal.Parse(amount, CultureInfo.InvariantCulture), currency, Hashing.Email(checkout.CustomerDetails?.Email),
            metadata.GetValueOrDefault(CheckoutMetadata.VisitorId), metadata.GetValueOrDefault(CheckoutMetadata.Fbp), metadata.GetValueOrDefault(CheckoutMetadata.Fbc), metadata.GetValueOrDefault(CheckoutMetadata.Country),
            Consent(SessionField.ConsentMarketing, CheckoutMetadata.ConsentMarketing), Consent(SessionField.ConsentAnalytics, CheckoutMetadata.ConsentAnalytics),
            Referrer: metadata.GetValueOrDefault(CheckoutMetadata.PageReferrer), VisitStart: OutboxEntry.VisitPending));
        var member = ServerEventMember.Write(EventNames.Purchase, checkout.Id, timestamp, decimal.Parse(amount, CultureInfo.InvariantCulture), currency, checkout.Id,
            checkoutType, paymentMethod);
        return new DonationWrite(sid, checkout.Id, timestamp, member, entry);
    }

    /// <summary>Stripe's time of the event (ms; whole seconds): the Purchase's time at Meta and PostHog.</summary>
    private static long StripeTime(Event stripeEvent) => new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>
    /// The method Stripe actually used (<c>card</c>, <c>link</c>, <c>sepa_debit</c>…): the type of the PaymentIntent's
    /// PaymentMethod (the Checkout Session lists only the methods offered). Unknown, never an error, when Stripe does
    /// not answer within a few seconds: the payment is recorded without it.
    /// </summary>
    private static async Task<string?> PaymentMethodAsync(IStripeClient stripe, Session checkout, ILogger logger, CancellationToken aborted)
    {
        var intentId = checkout.PaymentIntentId;
        if (string.IsNullOrEmpty(intentId) || !Ids.IsSafe(intentId, 255))
        {
            return null;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var intent = await new PaymentIntentService(stripe).GetAsync(
                intentId, new PaymentIntentGetOptions { Expand = ["payment_method"] }, cancellationToken: timeout.Token);
            var type = intent.PaymentMethod?.Type;
            return type is { Length: > 0 and <= 64 } && type.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') ? type : null;
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or OperationCanceledException)
        {
            Log.PaymentMethodUnknown(logger, ex.GetType().Name);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event api_version {EventVersion} differs from the library's {LibraryVersion}; processed as it parsed")]
        public static partial void ApiVersion(ILogger logger, string eventVersion, string libraryVersion);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout Session {CheckoutId} carries a tracking_mark that does not verify (Stripe__WebhookSecret rolled while it was open, or a forgery); acknowledged, not recorded")]
        public static partial void MarkMismatch(ILogger logger, string checkoutId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The payment method of a paid checkout could not be read from Stripe ({Kind}); recorded without it")]
        public static partial void PaymentMethodUnknown(ILogger logger, string kind);

        [LoggerMessage(Level = LogLevel.Information, Message = "Stripe {Type}: {Outcome}")]
        public static partial void Processed(ILogger logger, string type, string outcome);
    }
}
