using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Tracking.Storage;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Edge;

namespace Tracking.Donations;

internal static class CheckoutApi
{
    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/checkout", Create)
            .WithTags("Donations")
            .WithName("CreateCheckout")
            .WithSummary("Create a Stripe Checkout Session for a donation and record InitiateCheckout.")
            .WithDescription("""
                `amount` in major units (25 or 25.50) within the currency's bounds (Donations__Limits__{currency}__Min/Max, else
                Donations__MinAmount..MaxAmount; zero-decimal currencies such as JPY take whole amounts); `currency` defaults to
                Donations__Currency and must be one of Donations__Currencies. A double-click within ten minutes reuses the same
                Checkout Session (Stripe idempotency key). InitiateCheckout (value, currency; never the typed `email`, which only
                prefills Stripe's form) is stored and queued for Meta and PostHog; redirect the visitor to the returned `url`.
                409, nothing sent to Stripe: the session already created Donations__MaxCheckoutsPerSession (5) Checkout Sessions, or
                holds Tracking__MaxEventsPerSession events. 429 with Retry-After, nothing sent to Stripe: the client (IPv4 address
                or IPv6 /64) has created Donations__CheckoutsPerClientPerHour (20) Checkout Sessions this hour, across all its
                sessions and every replica. 503: donations not configured (no Stripe__SecretKey).
                """)
            .WithJsonBody<CheckoutRequest>(alsoAs: "text/plain")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .RequireSiteWrite()
            .RequireStoreHeadroom();
        return app;
    }

    internal static async Task<Results<Created<CheckoutCreated>, ProblemHttpResult>> Create(
        HttpContext http, CreateCheckout checkout, IOptions<DonationOptions> donations, IOptions<StripeOptions> stripe, IOptions<SessionLimitOptions> limits)
    {
        if (string.IsNullOrWhiteSpace(stripe.Value.SecretKey))
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Donations not configured", "Set Stripe__SecretKey to accept donations.");
        }
        var (request, problem) = await JsonBody.ReadAsync(http.Request, DonationsJson.Default.CheckoutRequest);
        if (problem is not null)
        {
            return problem;
        }
        var (order, errors) = CheckoutOrder.Validate(request!, donations.Value);
        if (order is null)
        {
            return errors.ToProblem();
        }
        // The page where the donation started: the snippet sends it; else the Referer header (often only the origin).
        var pageUrl = order.Url ?? RefererPage.From(http.Request, StripeCheckout.MaxPageUrl);
        var result = await checkout.RunAsync(order, ClientContext.From(http), pageUrl, http.RequestAborted);
        return result.Status switch
        {
            CheckoutStatus.Created => TypedResults.Created(result.Created!.Url, result.Created),
            CheckoutStatus.SessionFull => SessionLimits.Full(result.Held, limits.Value.MaxEventsPerSession, "a checkout"),
            CheckoutStatus.LimitReached => Problems.Status(StatusCodes.Status409Conflict, "Checkout limit reached",
                $"This session has already started {donations.Value.MaxCheckoutsPerSession} checkouts (Donations__MaxCheckoutsPerSession); nothing was sent to Stripe.", "sessionId"),
            CheckoutStatus.OverBudget => OverBudget(http, result, donations.Value),
            CheckoutStatus.StripeUnavailable => Problems.Status(StatusCodes.Status502BadGateway, "Payment provider unavailable",
                "Stripe could not create the checkout; nothing was recorded. Try again."),
            _ => Problems.UnknownSession(),
        };
    }

    private static ProblemHttpResult OverBudget(HttpContext http, CheckoutResult result, DonationOptions o)
    {
        var budget = CreateCheckout.CheckoutBudget(o);
        return RateLimiting.TooManyRequests(http, result.RetryAfter, budget.Setting,
            $"Over {budget.Setting}: {budget.Limit} checkouts an hour per client (IPv4 address or IPv6 /64); nothing was sent to Stripe.");
    }
}
