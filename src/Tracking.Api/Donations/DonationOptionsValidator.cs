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
        !Uri.TryCreate(o.ApiBase, UriKind.Absolute, out _) ? ValidateOptionsResult.Fail("Stripe:ApiBase must be an absolute URL.")
        : o.WebhookToleranceSeconds is < 1 or > 3600 ? ValidateOptionsResult.Fail("Stripe:WebhookToleranceSeconds must be between 1 and 3600.")
        : ValidateOptionsResult.Success;
}
