namespace Tracking.Infrastructure;

/// <summary>What the request itself says about the visitor: IP (after trusted proxies), User-Agent, country.</summary>
internal sealed record ClientContext(string Ip, string UserAgent, string? Country)
{
    private const int MaxUserAgent = 512;

    public static ClientContext From(HttpContext http, TrackingOptions options)
    {
        var ua = http.Request.Headers.UserAgent.ToString();
        if (ua.Length > MaxUserAgent)
        {
            ua = ua[..MaxUserAgent];
        }
        var country = http.Request.Headers[options.CountryHeader].ToString().Trim();
        // Only a two-letter ISO code is kept; CDNs send "XX"/"T1" for unknown and Tor, which say nothing.
        var isIso = country.Length == 2 && char.IsAsciiLetter(country[0]) && char.IsAsciiLetter(country[1])
            && !country.Equals("XX", StringComparison.OrdinalIgnoreCase);
        return new ClientContext(
            IpOf(http),
            ua,
            isIso ? country.ToUpperInvariant() : null);
    }

    private static string IpOf(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is null)
        {
            return "";
        }
        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }
}
