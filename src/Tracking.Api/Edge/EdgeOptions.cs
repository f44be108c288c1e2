using System.Net;

namespace Tracking.Edge;

/// <summary>
/// The edge's part of the <c>Tracking</c> section: who the client is (proxies, geography) and what it may do
/// (origins, rate limits). Other capabilities bind their own settings from the same section.
/// </summary>
public sealed class EdgeOptions
{
    public const string Section = "Tracking";

    /// <summary>
    /// Origins allowed to call the API from a browser (CORS); when set, a write carrying another <c>Origin</c> (or
    /// <c>Referer</c>) is refused with 403. Empty = no CORS origin, and writes are not checked: refused at start in
    /// Production unless <see cref="AllowAnyOrigin"/> says so.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Production with no <see cref="AllowedOrigins"/> refuses to start, as any page could then write for its visitors;
    /// true says that is meant (e.g. an API called only server to server).
    /// </summary>
    public bool AllowAnyOrigin { get; set; }

    /// <summary>
    /// Request header holding the visitor's ISO country code, set by the CDN or load balancer; believed only when the
    /// request's socket peer is one of <see cref="TrustedProxies"/>.
    /// </summary>
    public string CountryHeader { get; set; } = "CF-IPCountry";

    /// <summary>Request header holding the visitor's city (Cloudflare's <c>CF-IPCity</c>), believed as the country header is.</summary>
    public string CityHeader { get; set; } = "CF-IPCity";

    /// <summary>
    /// A MaxMind-format city database (GeoLite2/GeoIP2 City, or ip-location-db's flat GeoLite2 files; several paths
    /// separated by ';', e.g. an IPv4 and an IPv6 file). Fills city and country when no trusted header gave them.
    /// </summary>
    public string GeoIpDatabase { get; set; } = "";

    /// <summary>Proxies (IPs or CIDR ranges) whose <c>X-Forwarded-For</c> is believed. Empty = only the socket address counts.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>
    /// How many <c>X-Forwarded-For</c> entries are read from the right, each only while the hop that added it is one of
    /// <see cref="TrustedProxies"/>: 1 for one load balancer; 2 for a CDN in front of a load balancer (both the CDN's
    /// ranges and the balancer in <see cref="TrustedProxies"/>), else the CDN edge would be "the client".
    /// </summary>
    public int ForwardLimit { get; set; } = 1;

    /// <summary>Requests per minute one client (IPv4 address or IPv6 /64) may make to the site endpoints before getting 429.</summary>
    public int RateLimitPerMinute { get; set; } = 600;

    /// <summary>
    /// New sessions (and new visitors) one client may create a minute through <c>POST /session</c>, counted in Redis
    /// across every replica; past it 429. Touching a live session and posting its events do not count.
    /// </summary>
    public int NewSessionsPerMinute { get; set; } = 30;

    /// <summary>The same for <c>/ops/*</c>, <c>/reports/*</c>, <c>/dashboard</c> and (its own bucket) <c>/health/ready</c>.</summary>
    public int OpsRateLimitPerMinute { get; set; } = 60;

    /// <summary>The same for <c>/stripe/webhook</c>; higher, as Stripe bursts its retries after an outage.</summary>
    public int WebhookRateLimitPerMinute { get; set; } = 600;

    internal IEnumerable<IPNetwork> ParsedProxies() => TrustedProxies.Select(ParseNetwork);

    internal static IPNetwork ParseNetwork(string value) =>
        value.Contains('/', StringComparison.Ordinal)
            ? IPNetwork.Parse(value)
            : new IPNetwork(IPAddress.Parse(value), IPAddress.Parse(value).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
}
