using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Tracking.Edge;

/// <summary>What the request itself says about the visitor: IP (after trusted proxies), User-Agent, country and city (CDN headers, else the city database).</summary>
internal sealed record ClientContext(string Ip, string UserAgent, string? Country, string? City = null)
{
    private const int MaxUserAgent = 512;

    /// <summary>
    /// Fills the country and city the CDN's headers left unsaid from the city database. Only the session endpoint
    /// stores them, so only it pays for the lookup (never POST /events).
    /// </summary>
    public ClientContext Located(GeoIp geo)
    {
        if ((Country is not null && City is not null) || !geo.Enabled)
        {
            return this;
        }
        var (city, country) = geo.Lookup(Ip);
        return this with { Country = Country ?? country, City = City ?? city };
    }

    public static ClientContext From(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<EdgeOptions>>().Value;
        var ua = http.Request.Headers.UserAgent.ToString();
        if (ua.Length > MaxUserAgent)
        {
            ua = ua[..MaxUserAgent];
        }
        return new ClientContext(IpOf(http), ua, CountryOf(http, options), CityOf(http, options));
    }

    /// <summary>The CDN's city header, on the same terms as the country: only from a trusted proxy; at most 100 characters, no control characters.</summary>
    private static string? CityOf(HttpContext http, EdgeOptions options)
    {
        if (http.Features.Get<ProxyPeer>() is not { Trusted: true })
        {
            return null;
        }
        var city = http.Request.Headers[options.CityHeader].ToString().Trim();
        return city.Length is > 0 and <= 100 && !city.Any(char.IsControl) && city.Any(char.IsLetter) ? city : null;
    }

    /// <summary>
    /// The country header is the CDN's word, so it counts only when the CDN (a trusted proxy) is the socket peer:
    /// from anyone else it is whatever the sender chose, and it would reach Meta hashed as the visitor's country.
    /// </summary>
    private static string? CountryOf(HttpContext http, EdgeOptions options)
    {
        if (http.Features.Get<ProxyPeer>() is not { Trusted: true })
        {
            return null;
        }
        var country = http.Request.Headers[options.CountryHeader].ToString().Trim();
        // Only a two-letter ISO code is kept; CDNs send "XX"/"T1" for unknown and Tor, which say nothing.
        var isIso = country.Length == 2 && char.IsAsciiLetter(country[0]) && char.IsAsciiLetter(country[1])
            && !country.Equals("XX", StringComparison.OrdinalIgnoreCase);
        return isIso ? country.ToUpperInvariant() : null;
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

/// <summary>
/// Whether the request's socket peer (before the forwarded-headers middleware replaces the address with the
/// client's) is one of <c>Tracking:TrustedProxies</c>. No peer address (no socket) is not trusted.
/// </summary>
internal sealed class ProxyPeer
{
    private static readonly ProxyPeer Yes = new(true);
    private static readonly ProxyPeer No = new(false);

    private ProxyPeer(bool trusted) => Trusted = trusted;

    public bool Trusted { get; }

    /// <summary>Records the peer's trust; must run before <c>UseForwardedHeaders</c>.</summary>
    public static IApplicationBuilder Capture(IApplicationBuilder app)
    {
        // The same networks the forwarded-headers middleware believes, parsed once.
        var networks = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks.ToArray();
        return app.Use((http, next) =>
        {
            http.Features.Set(networks.Length > 0 && IsIn(http.Connection.RemoteIpAddress, networks) ? Yes : No);
            return next(http);
        });
    }

    internal static bool IsIn(IPAddress? peer, System.Net.IPNetwork[] networks)
    {
        if (peer is null)
        {
            return false;
        }
        if (peer.IsIPv4MappedToIPv6)
        {
            peer = peer.MapToIPv4();
        }
        foreach (var network in networks)
        {
            if (network.Contains(peer))
            {
                return true;
            }
        }
        return false;
    }
}
