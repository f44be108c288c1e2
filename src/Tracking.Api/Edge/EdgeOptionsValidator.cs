using System.Net;
using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Edge;

/// <summary>Start-up validation: a bad value stops the service with a message naming the configuration key.</summary>
/// <param name="environment">The host environment's name: Production needs its origins named.</param>
internal sealed class EdgeOptionsValidator(string environment) : IValidateOptions<EdgeOptions>
{
    public EdgeOptionsValidator(IHostEnvironment host)
        : this(host.EnvironmentName)
    {
    }

    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        const string S = EdgeOptions.Section;
        var errors = new List<string?>
        {
            OptionRules.Range($"{S}:ForwardLimit", options.ForwardLimit, 1, 10),
            OptionRules.AtLeast($"{S}:RateLimitPerMinute", options.RateLimitPerMinute, 1),
            OptionRules.AtLeast($"{S}:NewSessionsPerMinute", options.NewSessionsPerMinute, 1),
            OptionRules.AtLeast($"{S}:OpsRateLimitPerMinute", options.OpsRateLimitPerMinute, 1),
            OptionRules.AtLeast($"{S}:WebhookRateLimitPerMinute", options.WebhookRateLimitPerMinute, 1),
        };
        if (options.AllowedOrigins.Length == 0 && !options.AllowAnyOrigin
            && string.Equals(environment, Environments.Production, StringComparison.OrdinalIgnoreCase))
        {
            // Fail closed: with no origins, any page could make its visitors write events and checkouts.
            errors.Add($"{S}:AllowedOrigins is required in Production (the sites allowed to write, e.g. https://example.org); set {S}:AllowAnyOrigin=true to accept writes from any origin on purpose.");
        }
        if (string.IsNullOrWhiteSpace(options.CountryHeader))
        {
            errors.Add($"{S}:CountryHeader must not be empty.");
        }
        foreach (var path in options.GeoIpDatabase.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Opened here so a missing or corrupt file stops the start, not the first visitor's request.
            try
            {
                using var reader = new MaxMind.Db.Reader(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MaxMind.Db.InvalidDatabaseException)
            {
                errors.Add($"{S}:GeoIpDatabase: '{path}' is not a readable MaxMind database ({ex.GetType().Name}).");
            }
        }
        if (string.IsNullOrWhiteSpace(options.CityHeader) || options.CityHeader.Any(c => c <= ' ' || c == ':' || c > '~'))
        {
            errors.Add($"{S}:CityHeader must be a header name (got '{options.CityHeader}').");
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
        return OptionRules.Result(errors);
    }
}
