using Microsoft.Extensions.Options;

namespace Tracking.Donations;

internal sealed class DonationOptionsValidator : IValidateOptions<DonationOptions>
{
    public ValidateOptionsResult Validate(string? name, DonationOptions o)
    {
        var errors = new List<string>();
        if (o.MinAmount <= 0 || o.MaxAmount < o.MinAmount)
        {
            errors.Add("Donations:MinAmount must be positive and Donations:MaxAmount at least Donations:MinAmount.");
        }
        if (!Money.IsCurrency(o.Currency))
        {
            errors.Add($"Donations:Currency must be a three-letter ISO 4217 code (got '{o.Currency}').");
        }
        for (var i = 0; i < o.Currencies.Count; i++)
        {
            if (!Money.IsCurrency(o.Currencies[i]))
            {
                errors.Add($"Donations:Currencies:{i} must be a three-letter ISO 4217 code (got '{o.Currencies[i]}').");
            }
        }
        var allowed = o.AllowedCurrencies();
        if (o.Currencies.Count > 0 && !allowed.Contains(o.Currency.ToLowerInvariant(), StringComparer.Ordinal))
        {
            errors.Add($"Donations:Currency ('{o.Currency}') must be one of Donations:Currencies.");
        }
        foreach (var (currency, limits) in o.Limits)
        {
            var (min, max) = o.Bounds(currency);
            if (!allowed.Contains(currency.ToLowerInvariant(), StringComparer.Ordinal))
            {
                errors.Add($"Donations:Limits:{currency} names a currency that is not in Donations:Currencies (or Donations:Currency).");
            }
            else if (limits is null || min <= 0 || max < min)
            {
                errors.Add($"Donations:Limits:{currency}:Min must be positive and Donations:Limits:{currency}:Max at least Min (the global Donations:MinAmount/MaxAmount fill a bound not given).");
            }
        }
        for (var i = 0; i < o.Intervals.Count; i++)
        {
            if (!RecurringInterval.IsStripeInterval(o.Intervals[i]))
            {
                errors.Add($"Donations:Intervals:{i} must be day, week, month or year (got '{o.Intervals[i]}').");
            }
        }
        if (o.MaxCheckoutsPerSession is < 1 or > 1000)
        {
            errors.Add("Donations:MaxCheckoutsPerSession must be between 1 and 1000.");
        }
        if (o.CheckoutsPerClientPerHour < 1)
        {
            errors.Add("Donations:CheckoutsPerClientPerHour must be at least 1.");
        }
        if (!Uri.TryCreate(o.SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", "x", StringComparison.Ordinal), UriKind.Absolute, out _))
        {
            errors.Add("Donations:SuccessUrl must be an absolute URL.");
        }
        if (!Uri.TryCreate(o.CancelUrl, UriKind.Absolute, out _))
        {
            errors.Add("Donations:CancelUrl must be an absolute URL.");
        }
        if (string.IsNullOrWhiteSpace(o.ProductName))
        {
            errors.Add("Donations:ProductName must not be empty.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

internal sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions o) =>
        // Fail closed: checkouts would be created while every webhook is refused, and no donation ever recorded.
        o.SecretKey.Length > 0 && string.IsNullOrWhiteSpace(o.WebhookSecret)
            ? ValidateOptionsResult.Fail("Stripe:SecretKey is set but Stripe:WebhookSecret is not: without it every webhook is refused and no payment is recorded. Set both, or neither.")
        : !Uri.TryCreate(o.ApiBase, UriKind.Absolute, out _) ? ValidateOptionsResult.Fail("Stripe:ApiBase must be an absolute URL.")
        : o.WebhookToleranceSeconds is < 1 or > 3600 ? ValidateOptionsResult.Fail("Stripe:WebhookToleranceSeconds must be between 1 and 3600.")
        : ValidateOptionsResult.Success;
}
