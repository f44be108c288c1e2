using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Stripe;
using Stripe.Checkout;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;
using Tracking.Edge;
using Tracking.Consent;

namespace Tracking.Donations;

/// <summary>
/// <c>POST /checkout</c>'s use case: check the session, take a checkout slot, have Stripe create the Checkout
/// Session, then store and queue InitiateCheckout.
/// </summary>
internal sealed partial class CreateCheckout(
    DonationStore store, IStripeClient stripe, Outbox outbox, CheckoutMark mark, ClientBudgets budgets, IOptions<DonationOptions> donations,
    IOptions<SessionLimitOptions> limits, IOptions<ConsentOptions> consent, TimeProvider clock, ILogger<CreateCheckout> logger)
{
    /// <param name="client">The visitor's IP and User-Agent, forwarded with InitiateCheckout.</param>
    /// <param name="pageUrl">The page where the donation started (the order's, else the Referer header's).</param>
    public async Task<CheckoutResult> RunAsync(CheckoutOrder order, ClientContext client, string? pageUrl, CancellationToken aborted)
    {
        var sid = order.SessionId;
        var (fields, held) = await ReadSessionAsync(sid);
        if (fields is null)
        {
            return CheckoutResult.UnknownSession;
        }
        // A full session gets no InitiateCheckout, so it gets no Stripe call either.
        if (held >= limits.Value.MaxEventsPerSession)
        {
            return new CheckoutResult(CheckoutStatus.SessionFull, Held: held);
        }
        var now = clock.GetUtcNow();
        // The campaign donated to: the request's, else the one the visitor selected on the page.
        order = order with { Campaign = order.Campaign ?? fields.GetValueOrDefault(SessionField.SelectedCampaign), Url = pageUrl };
        var slot = IdempotencyKey(order, now);

        // The client's budget, then the session's slot, both before Stripe is called: fresh sessions buy no more calls.
        var budget = CheckoutBudget(donations.Value);
        var charged = ClientBudgets.ClientOf(client);
        if (await budgets.TakeAsync(budget, charged) is { Spent: true } spent)
        {
            return new CheckoutResult(CheckoutStatus.OverBudget, RetryAfter: spent.RetryAfter);
        }
        var reserved = await store.ReserveCheckoutAsync(sid, slot, donations.Value.MaxCheckoutsPerSession);
        if (reserved != SlotStatus.Reserved)
        {
            await budgets.GiveBackAsync(budget, charged); // Stripe is not called
            return reserved == SlotStatus.UnknownSession ? CheckoutResult.UnknownSession : new CheckoutResult(CheckoutStatus.LimitReached);
        }
        if (await StripeSessionAsync(order, fields, slot, aborted) is not { } checkout)
        {
            return new CheckoutResult(CheckoutStatus.StripeUnavailable);
        }
        return await RecordAsync(order, fields, client, checkout, slot, now.ToUnixTimeMilliseconds()) switch
        {
            ServerEventStatus.UnknownSession => CheckoutResult.UnknownSession,
            // Filled by a concurrent request since the check above: the Checkout Session stays unused and expires.
            ServerEventStatus.SessionFull => new CheckoutResult(CheckoutStatus.SessionFull, Held: limits.Value.MaxEventsPerSession),
            _ => new CheckoutResult(CheckoutStatus.Created, new CheckoutCreated(checkout.Id, checkout.Url)),
        };
    }

    /// <summary><c>Donations:CheckoutsPerClientPerHour</c>: Stripe Checkout Sessions one client may create an hour.</summary>
    internal static ClientBudget CheckoutBudget(DonationOptions o) =>
        new("checkouts", o.CheckoutsPerClientPerHour, TimeSpan.FromHours(1), $"{DonationOptions.Section}:{nameof(DonationOptions.CheckoutsPerClientPerHour)}");

    /// <summary>The session's fields (null when there is no such live session) and its event count, in one round trip.</summary>
    private async Task<(Dictionary<string, string>? Fields, long Held)> ReadSessionAsync(string sid)
    {
        if (!Ids.IsSessionId(sid))
        {
            return (null, 0);
        }
        var read = store.ReadAsync(sid);
        var count = store.EventCountAsync(sid);
        var (session, _) = await read;
        var held = await count;
        return session.Length == 0 ? (null, 0) : (session.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal), held);
    }

    /// <summary>The Checkout Session Stripe created, or null (logged, its slot given back) when Stripe failed.</summary>
    private async Task<Session?> StripeSessionAsync(CheckoutOrder order, Dictionary<string, string> fields, string slot, CancellationToken aborted)
    {
        var sid = order.SessionId;
        // Click ids and the visitor id go to Stripe only when Meta could be sent them (marketing consent allows).
        var marketing = ConsentRules.Decide(fields, null, SessionField.ConsentMarketing, consent.Value.ConsentMode) == ConsentDecision.Send;
        try
        {
            return await new SessionService(stripe).CreateAsync(
                StripeCheckout.Options(donations.Value, sid, mark.For(sid), fields, marketing, order.Currency, order.Minor, order.Email, order.Content, order.Url, order.Referrer, order.Campaign,
                    order.Interval),
                new RequestOptions { IdempotencyKey = slot },
                aborted);
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or TaskCanceledException)
        {
            // Neither the secret nor Stripe's raw error leaves the service; the log keeps the error type and code.
            Log.StripeFailed(logger, ex.GetType().Name, (ex as StripeException)?.StripeError?.Code ?? "");
            await ReleaseAsync(sid, slot);
            return null;
        }
    }

    /// <summary>Stores InitiateCheckout and queues it for the destinations.</summary>
    private async Task<ServerEventStatus> RecordAsync(CheckoutOrder order, Dictionary<string, string> fields, ClientContext client, Session checkout, string slot, long timestamp)
    {
        var (sid, amount) = (order.SessionId, order.Amount);
        var eventId = $"ic_{checkout.Id}";
        var member = ServerEventMember.Write(EventNames.InitiateCheckout, eventId, timestamp, amount.Major, amount.Currency, checkout.Id, checkoutType: "guest");
        // No em: the typed e-mail is unverified, and anyone could attach a victim's address to a checkout. Purchase
        // carries the address the payer gave Stripe (customer_details.email).
        var entry = outbox.Queue(OutboxEntry.ForCheckout(
            sid, eventId, EventNames.InitiateCheckout, timestamp, new(order.Url, order.Referrer), new(client.Ip, client.UserAgent),
            amount.Major, amount.Currency,
            new(fields.GetValueOrDefault(SessionField.ConsentMarketing), fields.GetValueOrDefault(SessionField.ConsentAnalytics)),
            DonationProperties.For(order.Content, order.Campaign, (MonthlyDonation.IntervalKey, order.Interval))));
        var write = new DonationWrite(sid, eventId, timestamp, member, entry);
        return await store.InitiateAsync(write, amount.Text, amount.Currency, checkout.Id, slot, limits.Value.SessionTtl, timestamp, order.Campaign);
    }

    /// <summary>A slot Stripe did not fill goes back; if Redis cannot take it back, the session just has one slot fewer.</summary>
    private async Task ReleaseAsync(string sessionId, string slot)
    {
        try
        {
            await store.ReleaseCheckoutAsync(sessionId, slot);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            Log.ReleaseFailed(logger, ex.GetType().Name);
        }
    }

    /// <summary>Same visitor, amount, e-mail and interval within ten minutes = the same Checkout Session (a double-click).</summary>
    private static string IdempotencyKey(CheckoutOrder order, DateTimeOffset now)
    {
        var window = now.ToUnixTimeSeconds() / 600;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{order.SessionId}|{order.Currency}|{order.Minor}|{order.Email?.Trim().ToLowerInvariant()}|{window}{(order.Interval is null ? "" : "|" + order.Interval)}"));
        return "checkout-" + Convert.ToHexStringLower(hash)[..40];
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Stripe checkout creation failed: {Kind} {Code}")]
        public static partial void StripeFailed(ILogger logger, string kind, string code);

        [LoggerMessage(Level = LogLevel.Warning, Message = "A checkout slot could not be given back after Stripe failed ({Kind}); the session keeps one slot fewer")]
        public static partial void ReleaseFailed(ILogger logger, string kind);
    }
}
