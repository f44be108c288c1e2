using System.Net;
using Microsoft.Extensions.Options;

namespace Tracking.Infrastructure;

/// <summary>Start-up validation: a bad value stops the service with a message naming the configuration key.</summary>
internal sealed class TrackingOptionsValidator : IValidateOptions<TrackingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackingOptions options)
    {
        var errors = new List<string>();
        const string S = TrackingOptions.Section;
        if (options.SessionTtlDays is < 1 or > 90)
        {
            errors.Add($"{S}:SessionTtlDays must be between 1 and 90 (got {options.SessionTtlDays}).");
        }
        if (options.RateLimitPerMinute < 1)
        {
            errors.Add($"{S}:RateLimitPerMinute must be at least 1.");
        }
        if (options.OpsRateLimitPerMinute < 1)
        {
            errors.Add($"{S}:OpsRateLimitPerMinute must be at least 1.");
        }
        if (options.WebhookRateLimitPerMinute < 1)
        {
            errors.Add($"{S}:WebhookRateLimitPerMinute must be at least 1.");
        }
        if (options.MaxEventsPerBatch is < 1 or > 500)
        {
            errors.Add($"{S}:MaxEventsPerBatch must be between 1 and 500.");
        }
        if (string.IsNullOrWhiteSpace(options.CountryHeader))
        {
            errors.Add($"{S}:CountryHeader must not be empty.");
        }
        if (!Enum.IsDefined(options.ConsentMode))
        {
            errors.Add($"{S}:ConsentMode must be {WireName<ConsentMode>.Choices()}.");
        }
        for (var i = 0; i < options.AllowedOrigins.Length; i++)
        {
            var origin = options.AllowedOrigins[i];
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                errors.Add($"{S}:AllowedOrigins:{i} must be an origin like https://example.org (got '{origin}').");
            }
        }
        for (var i = 0; i < options.TrustedProxies.Length; i++)
        {
            var proxy = options.TrustedProxies[i];
            if (!(IPAddress.TryParse(proxy, out _) || IPNetwork.TryParse(proxy, out _)))
            {
                errors.Add($"{S}:TrustedProxies:{i} must be an IP address or CIDR range (got '{proxy}').");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
