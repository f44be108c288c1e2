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
        if (options.MaxEventsPerSession is < 1 or > 100_000)
        {
            errors.Add($"{S}:MaxEventsPerSession must be between 1 and 100000 (got {options.MaxEventsPerSession}).");
        }
        if (options.MaxEventBytes is < 512 or > 65_536)
        {
            errors.Add($"{S}:MaxEventBytes must be between 512 and 65536 (got {options.MaxEventBytes}).");
        }
        if (options.MaxTouchesPerSession is < 2 or > 1000)
        {
            errors.Add($"{S}:MaxTouchesPerSession must be between 2 and 1000: the first touch and at least the latest (got {options.MaxTouchesPerSession}).");
        }
        if (options.MaxContentsPerSession is < 1 or > 1000)
        {
            errors.Add($"{S}:MaxContentsPerSession must be between 1 and 1000 (got {options.MaxContentsPerSession}).");
        }
        if (options.ReportCampaigns.Length > 100)
        {
            errors.Add($"{S}:ReportCampaigns holds at most 100 campaigns (got {options.ReportCampaigns.Length}).");
        }
        for (var i = 0; i < options.ReportCampaigns.Length; i++)
        {
            var campaign = options.ReportCampaigns[i];
            if (string.IsNullOrWhiteSpace(campaign) || campaign.Length > 256 || campaign != campaign.Trim() || campaign.IndexOfAny(['|', '\n', '\r']) >= 0)
            {
                errors.Add($"{S}:ReportCampaigns:{i} must be a utm_campaign value: 1-256 characters, no '|', line break or surrounding spaces (got '{campaign}').");
            }
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
