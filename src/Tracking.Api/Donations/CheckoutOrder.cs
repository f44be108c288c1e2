using Tracking.Events;
using Tracking.Infrastructure;

namespace Tracking.Donations;

/// <summary>A validated <c>POST /checkout</c>: what to ask Stripe for, and for which session.</summary>
/// <param name="Minor">The amount in Stripe's minor units of <see cref="Currency"/>.</param>
/// <param name="Url">The page where the donation started, as the snippet sent it (null: the Referer header's, if any).</param>
/// <param name="Interval">A recurring donation's billing interval (lower-case, allowed); null for a one-off donation.</param>
internal sealed record CheckoutOrder(
    string SessionId, long Minor, string Currency, string? Email, string? Content, string? Campaign, string? Url, string? Referrer, string? Interval = null)
{
    public Amount Amount => Amount.FromMinor(Minor, Currency);

    /// <summary>The order, or the errors naming each bad field of <paramref name="request"/>.</summary>
    public static (CheckoutOrder? Order, FieldErrors Errors) Validate(CheckoutRequest request, DonationOptions o)
    {
        var currency = (request.Currency ?? o.Currency).ToLowerInvariant();
        var errors = new FieldErrors();
        if (request.SessionId is null)
        {
            errors.Add("sessionId", "The session id is required.");
        }
        errors.SafeId("sessionId", request.SessionId);
        var minor = MinorAmount(request.Amount, currency, o, errors);
        if (request.Email is not null && !EmailAddress.IsValid(request.Email))
        {
            errors.Add("email", EmailAddress.Rule);
        }
        errors.SafeId("content", request.Content);
        errors.SafeId("campaign", request.Campaign);
        // Stripe keeps metadata values up to 500 characters; the page travels there to the Purchase.
        errors.PageUrl("url", request.Url, StripeCheckout.MaxPageUrl);
        errors.PageUrl("referrer", request.Referrer, StripeCheckout.MaxPageUrl);
        var interval = request.Interval?.ToLowerInvariant();
        if (interval is not null && !o.AllowedIntervals().Contains(interval, StringComparer.Ordinal))
        {
            errors.Add("interval", $"Recurring donations are accepted every {string.Join(", ", o.AllowedIntervals())} only; leave it out for a one-off donation.");
        }
        return errors.Any
            ? (null, errors)
            : (new CheckoutOrder(request.SessionId!, minor, currency, request.Email, request.Content, request.Campaign, request.Url, request.Referrer, interval), errors);
    }

    /// <summary>The amount in minor units within the currency's bounds; 0 with an error on <c>currency</c> or <c>amount</c> otherwise.</summary>
    private static long MinorAmount(decimal? requested, string currency, DonationOptions o, FieldErrors errors)
    {
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
        else if (requested is not { } amount || amount < min || amount > max)
        {
            errors.Add("amount", $"Must be between {min} and {max} {currency.ToUpperInvariant()}.");
        }
        else if (Money.ToMinor(amount, currency) is not { } minor)
        {
            errors.Add("amount", $"Has more decimals than {currency.ToUpperInvariant()} allows.");
        }
        else
        {
            return minor;
        }
        return 0;
    }
}
