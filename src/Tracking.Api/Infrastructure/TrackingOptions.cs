using System.Net;

namespace Tracking.Infrastructure;

/// <summary>The <c>Tracking</c> configuration section.</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    /// <summary>
    /// Origins allowed to call the API from a browser (CORS); when set, a write carrying another <c>Origin</c> (or
    /// <c>Referer</c>) is refused with 403. Empty = no CORS origin, and writes are not checked.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

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

    public int SessionTtlDays { get; set; } = 7;

    /// <summary>Proxies (IPs or CIDR ranges) whose <c>X-Forwarded-For</c> is believed. Empty = only the socket address counts.</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Requests per minute one client (IPv4 address or IPv6 /64) may make to the site endpoints before getting 429.</summary>
    public int RateLimitPerMinute { get; set; } = 600;

    /// <summary>The same for <c>/ops/*</c>, <c>/reports/*</c>, <c>/dashboard</c> and (its own bucket) <c>/health/ready</c>.</summary>
    public int OpsRateLimitPerMinute { get; set; } = 60;

    /// <summary>The same for <c>/stripe/webhook</c>; higher, as Stripe bursts its retries after an outage.</summary>
    public int WebhookRateLimitPerMinute { get; set; } = 600;

    public int MaxEventsPerBatch { get; set; } = 50;

    /// <summary>Events one session may hold; a request whose new events would pass it is refused whole (409).</summary>
    public int MaxEventsPerSession { get; set; } = 1000;

    /// <summary>Bytes one stored event (its JSON member) may take; a larger one is refused (400).</summary>
    public int MaxEventBytes { get; set; } = 4096;

    /// <summary>Touches a session keeps: the first (it anchors first-touch attribution) and the latest N-1.</summary>
    public int MaxTouchesPerSession { get; set; } = 50;

    /// <summary>Contents a session keeps a <c>{content}_completion</c> field for (the first N watched).</summary>
    public int MaxContentsPerSession { get; set; } = 20;

    /// <summary>Campaigns whose report counters are always kept exact, whatever a flood of other campaigns does.</summary>
    public string[] ReportCampaigns { get; set; } = [];

    /// <summary><c>opt-out</c> (pending consent counts as granted) or <c>opt-in</c> (pending holds data back).</summary>
    public ConsentMode ConsentMode { get; set; } = ConsentMode.OptOut;

    public TimeSpan SessionTtl => TimeSpan.FromDays(SessionTtlDays);

    internal IEnumerable<IPNetwork> ParsedProxies() => TrustedProxies.Select(ParseNetwork);

    internal static IPNetwork ParseNetwork(string value) =>
        value.Contains('/', StringComparison.Ordinal)
            ? IPNetwork.Parse(value)
            : new IPNetwork(IPAddress.Parse(value), IPAddress.Parse(value).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
}

/// <summary>What pending (not yet given) consent means.</summary>
[System.ComponentModel.TypeConverter(typeof(WireNameConverter<ConsentMode>))]
public enum ConsentMode
{
    /// <summary>Pending counts as granted.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("opt-out")]
    OptOut,

    /// <summary>Pending holds data back.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("opt-in")]
    OptIn,
}
