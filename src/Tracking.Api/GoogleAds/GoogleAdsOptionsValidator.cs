using Microsoft.Extensions.Options;

namespace Tracking.GoogleAds;

internal sealed class GoogleAdsOptionsValidator : IValidateOptions<GoogleAdsOptions>
{
    public ValidateOptionsResult Validate(string? name, GoogleAdsOptions o)
    {
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _))
        {
            return ValidateOptionsResult.Fail("GoogleAds:BaseUrl must be an absolute URL.");
        }
        // Google Ads shows ids as 123-456-7890; the API takes the digits only.
        foreach (var (key, value) in new[]
        {
            ("CustomerId", o.CustomerId), ("LoginCustomerId", o.LoginCustomerId),
            ("ConversionActionId", o.ConversionActionId), ("LeadConversionActionId", o.LeadConversionActionId),
        })
        {
            if (value.Length > 0 && !value.All(char.IsAsciiDigit))
            {
                return ValidateOptionsResult.Fail($"GoogleAds:{key} must be digits only (no dashes).");
            }
        }
        if (o.CredentialsFile.Length > 0 && !File.Exists(o.CredentialsFile))
        {
            return ValidateOptionsResult.Fail("GoogleAds:CredentialsFile names no readable file.");
        }
        return ValidateOptionsResult.Success;
    }
}
