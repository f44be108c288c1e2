using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Stripe;
using Stripe.Checkout;
using Tracking.Consent;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Donations;

internal static partial class CheckoutApi
{
    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/checkout", Create)
            .WithTags("Donations")
            .WithName("CreateCheckout")
            .WithSummary("Create a Stripe Checkout Session for a donation and record InitiateCheckout.")
            .WithDescription("""
                `amount` is in major units (25 or 25.50) within the currency's bounds (Donations__Limits__{currency}__Min/Max,
                else Donations__MinAmount..MaxAmount); zero-decimal currencies (JPY…) take whole amounts; `currency` defaults to
                Donations__Currency and must be one of Donations__Currencies. A double-click within ten minutes reuses the same
                Checkout Session (Stripe idempotency key). A session may create at most Donations__MaxCheckoutsPerSession (5)
                Checkout Sessions, then 409 (nothing is sent to Stripe). InitiateCheckout (value, currency; never the typed
                `email`, which only prefills Stripe's form) is stored and queued for Meta and PostHog; redirect the visitor to
                the returned `url`. 503 also when donations are not configured (no Stripe__SecretKey). 409 (before Stripe is
                called) also when the session already holds Tracking__MaxEventsPerSession events.
                """)
            .WithJsonBody<CheckoutRequest>(alsoAs: "text/plain")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .RequireSiteWrite();
        return app;
    }

    internal static async Task<Results<Created<CheckoutCreated>, ProblemHttpResult>> Create(
        HttpContext http, DonationStore store, IStripeClient stripe, Outbox outbox, CheckoutMark mark, IOptions<DonationOptions> donations,
        IOptions<StripeOptions> stripeOptions, IOptions<SessionLimitOptions> limits, IOptions<ConsentOptions> consentOptions, TimeProvider clock, ILoggerFactory loggers)
    {
        if (string.IsNullOrWhiteSpace(stripeOptions.Value.SecretKey))
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Donations not configured", "Set Stripe__SecretKey to accept donations.");
        }
        var (request, problem) = await JsonBody.ReadAsync(http.Request, DonationsJson.Default.CheckoutRequest);
        if (problem is not null)
        {
            return problem;
        }
        var o = donations.Value;
        var currency = (request!.Currency ?? o.Currency).ToLowerInvariant();
        var errors = new FieldErrors();
        long minor = 0;
        if (request.SessionId is null)
        {
            errors.Add("sessionId", "The session id is required.");
        }
        errors.SafeId("sessionId", request.SessionId);
        var allowed = o.AllowedCurrencies();
        var (min, max) = o.Bounds(currency);
        if (!Money.IsCurrency(currency))
        {
            errors.Add("currency", "Must be a three-letter ISO 4217 code.");
        }
        else if (!allowed.Contains(currency, StringComparer.Ordinal))
        {
            errors.Add("currency", $"Donations are accepted in {string.Join(", ", allowed)} only.");
        }
        else if (request.Amount is not { } amount || amount < min || amount > max)
        {
            errors.Add("amount", $"Must be between {min} and {max} {currency.ToUpperInvariant()}.");
        }
        else if (Money.ToMinor(amount, currency) is not { } m)
        {
            errors.Add("amount", $"Has more decimals than {currency.ToUpperInvariant()} allows.");
        }
        else
        {
            minor = m;
        }
        if (request.Email is not null && !EmailAddress.IsValid(request.Email))
        {
            errors.Add("email", EmailAddress.Rule);
        }
        errors.SafeId("content", request.Content);
        errors.SafeId("campaign", request.Campaign);
        // Stripe keeps metadata values up to 500 characters; the page travels there to the Purchase.
        errors.PageUrl("url", request.Url, StripeCheckout.MaxPageUrl);
        errors.PageUrl("referrer", request.Referrer, StripeCheckout.MaxPageUrl);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var sid = request.SessionId!;
        var (session, _) = Ids.IsSessionId(sid) ? await store.ReadAsync(sid) : ([], []);
        if (session.Length == 0)
        {
            return Problems.UnknownSession();
        }
        // A full session gets no InitiateCheckout, so it gets no Stripe call either.
        var maxEvents = limits.Value.MaxEventsPerSession;
        if (await store.EventCountAsync(sid) is var held && held >= maxEvents)
        {
            return SessionLimits.Full(held, maxEvents, "a checkout");
        }
        var fields = session.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        // Click ids and the visitor id go to Stripe only when Meta could be sent them (marketing consent allows).
        var marketing = ConsentRules.Decide(fields, null, SessionField.ConsentMarketing, consentOptions.Value.ConsentMode) == ConsentDecision.Send;
        // The campaign donated to: the request's, else the one the visitor selected on the page.
        var campaign = request.Campaign ?? fields.GetValueOrDefault(SessionField.SelectedCampaign);
        var idempotencyKey = IdempotencyKey(sid, currency, minor, request.Email, now);
        // The page where the donation started: the snippet sends it; else the Referer header (often only the origin).
        var pageUrl = request.Url ?? RefererPage.From(http.Request, StripeCheckout.MaxPageUrl);

        // The slot is taken before Stripe is called, atomically: a session past its limit costs Stripe nothing.
        var reserved = await store.ReserveCheckoutAsync(sid, idempotencyKey, o.MaxCheckoutsPerSession);
        if (reserved == 0)
        {
            return Problems.UnknownSession();
        }
        if (reserved < 0)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Checkout limit reached",
                $"This session has already started {o.MaxCheckoutsPerSession} checkouts (Donations__MaxCheckoutsPerSession); nothing was sent to Stripe.", "sessionId");
        }

        Session checkout;
        try
        {
            checkout = await new SessionService(stripe).CreateAsync(
                StripeCheckout.Options(o, sid, mark.For(sid), fields, marketing, currency, minor, request.Email, request.Content, pageUrl, request.Referrer, campaign),
                new RequestOptions { IdempotencyKey = idempotencyKey },
                http.RequestAborted);
        }
        catch (Exception ex) when (ex is StripeException or HttpRequestException or TaskCanceledException)
        {
            // Neither the secret nor Stripe's raw error leaves the service; the log keeps the error type and code.
            var logger = loggers.CreateLogger("Tracking.Donations");
            Log.StripeFailed(logger, ex.GetType().Name, (ex as StripeException)?.StripeError?.Code ?? "");
            await ReleaseAsync(store, sid, idempotencyKey, logger);
            return Problems.Status(StatusCodes.Status502BadGateway, "Payment provider unavailable", "Stripe could not create the checkout; nothing was recorded. Try again.");
        }

        var major = Money.ToMajor(minor, currency);
        var eventId = $"ic_{checkout.Id}";
        var timestamp = now.ToUnixTimeMilliseconds();
        var member = ServerEventMember.Write(EventNames.InitiateCheckout, eventId, timestamp, major, currency, checkout.Id, checkoutType: "guest");
        var client = ClientContext.From(http);
        var entry = outbox.Queue(new OutboxEntry(
            sid, eventId, EventNames.InitiateCheckout, timestamp, pageUrl,
            Properties(request.Content, campaign),
            // No em: the typed e-mail is unverified, and anyone could attach a victim's address to a checkout. Purchase
            // carries the address the payer gave Stripe (customer_details.email).
            client.Ip, client.UserAgent, major, currency,
            ConsentMarketing: fields.GetValueOrDefault(SessionField.ConsentMarketing), ConsentAnalytics: fields.GetValueOrDefault(SessionField.ConsentAnalytics),
            Referrer: request.Referrer, VisitStart: OutboxEntry.VisitPending));
        var write = new DonationWrite(sid, eventId, timestamp, member, entry);
        var recorded = await store.InitiateAsync(write, major.ToString(CultureInfo.InvariantCulture), currency, checkout.Id, idempotencyKey, limits.Value.SessionTtl, timestamp, campaign);
        if (recorded == 0)
        {
            return Problems.UnknownSession();
        }
        if (recorded == 3)
        {
            // Filled by a concurrent request since the check above: the Checkout Session stays unused and expires.
            return SessionLimits.Full(maxEvents, maxEvents, "a checkout");
        }
        return TypedResults.Created(checkout.Url, new CheckoutCreated(checkout.Id, checkout.Url));
    }

    /// <summary>The forwarded properties of a server donation event: <c>content</c> and <c>campaign</c>, when known.</summary>
    internal static Dictionary<string, System.Text.Json.JsonElement>? Properties(string? content, string? campaign, params (string Key, string? Value)[] more)
    {
        var properties = new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in new[] { ("content", content), ("campaign", campaign) }.Concat(more))
        {
            if (value is not null)
            {
                properties[key] = System.Text.Json.JsonSerializer.SerializeToElement(value, DonationsJson.Default.String);
            }
        }
        return properties.Count == 0 ? null : properties;
    }

    /// <summary>A slot Stripe did not fill goes back; if Redis cannot take it back, the session just has one slot fewer.</summary>
    private static async Task ReleaseAsync(DonationStore store, string sessionId, string slot, ILogger logger)
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

    /// <summary>Same visitor, amount and e-mail within ten minutes = the same Checkout Session (a double-click).</summary>
    private static string IdempotencyKey(string sessionId, string currency, long minor, string? email, DateTimeOffset now)
    {
        var window = now.ToUnixTimeSeconds() / 600;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{sessionId}|{currency}|{minor}|{email?.Trim().ToLowerInvariant()}|{window}"));
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
