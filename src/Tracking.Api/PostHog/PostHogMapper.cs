using System.Globalization;
using System.Text.Json;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.PostHog;

/// <summary>Our events as PostHog events (the seed's journey map), with attribution as person properties.</summary>
internal static class PostHogMapper
{
    public static string EventName(string name) => name switch
    {
        EventNames.PageView => "$pageview",
        EventNames.ViewContent or EventNames.VideoStart => "Content Viewed",
        EventNames.VideoProgress => "Video Progress",
        EventNames.InitiateCheckout => "Checkout Started",
        EventNames.Purchase => "Donation Completed",
        EventNames.DonationRenewed => "Donation Renewed",
        EventNames.DonationCancelled => "Monthly Donation Cancelled",
        EventNames.Lead => "Email Signup",
        // One name for every change of a donation's refunded amount, so its values sum to what is refunded now.
        EventNames.DonationRefunded or EventNames.DonationRestored => "Donation Refunded",
        _ => name,
    };

    /// <summary>Person properties of a session: first touch once (<c>$set_once</c>), last touch always (<c>$set</c>).</summary>
    public static (JsonElement SetOnce, JsonElement Set) PersonProperties(IReadOnlyDictionary<string, string> session) =>
        (Props(session, ("$initial_utm_source", SessionField.UtmSource), ("$initial_utm_medium", SessionField.UtmMedium), ("$initial_utm_campaign", SessionField.UtmCampaign),
                ("$initial_utm_content", SessionField.UtmContent), ("first_touch_source", SessionField.FirstTouchSource), ("first_touch_timestamp", SessionField.FirstTouchTimestamp)),
         Props(session, ("last_touch_source", SessionField.LastTouchSource), ("last_touch_medium", SessionField.LastTouchMedium), ("last_touch_campaign", SessionField.LastTouchCampaign),
                ("last_touch_content", SessionField.LastTouchContent), ("last_touch_timestamp", SessionField.LastTouchTimestamp),
                ("session_count", SessionField.SessionCount)));

    /// <param name="person">The session's person properties (see <see cref="PersonProperties"/>), shared by its events.</param>
    public static PostHogEvent Map(OutboxEntry entry, IReadOnlyDictionary<string, string> session, (JsonElement SetOnce, JsonElement Set) person)
    {
        string? Session(string field) => session.TryGetValue(field, out var v) && v.Length > 0 ? v : null;

        var properties = new Dictionary<string, PostHogValue>((entry.Properties?.Count ?? 0) + 16, StringComparer.Ordinal);
        foreach (var (key, element) in entry.Properties ?? [])
        {
            properties[key] = element;
        }
        properties["tracking_event"] = entry.Event;
        properties["tracking_session_id"] = entry.SessionId;
        if (entry.Url is not null)
        {
            properties["$current_url"] = entry.Url;
            if (Uri.TryCreate(entry.Url, UriKind.Absolute, out var page))
            {
                properties["$host"] = page.Host;
                properties["$pathname"] = page.AbsolutePath;
                CampaignParameters(page, properties);
            }
        }
        // As posthog-js sends them: the referrer and its host, or "$direct" for none; the landing page's is the session's.
        var referrerUrl = SessionPages.Referrer(entry, session);
        var referrer = referrerUrl is not null && Uri.TryCreate(referrerUrl, UriKind.Absolute, out var r) ? r : null;
        properties["$referrer"] = referrer is null ? Direct : referrerUrl!;
        properties["$referring_domain"] = referrer?.Host ?? Direct;
        if (Session(SessionField.Browser) is { } browser)
        {
            properties["$browser"] = browser;
        }
        if (Session(SessionField.DeviceType) is { } device)
        {
            properties["$device_type"] = device.Length > 0 ? char.ToUpperInvariant(device[0]) + device[1..] : device;
        }
        if (OperatingSystem(entry.UserAgent) is { } os)
        {
            properties["$os"] = os;
        }
        Geolocation(entry, properties);
        if (entry.VisitStart is > 0 and var start)
        {
            properties["$session_id"] = VisitId(entry.SessionId, start);
        }
        if (entry.Value is { } value)
        {
            properties["value"] = value;
            // ISO 4217 as PostHog's revenue analytics reads it (USD); stored lower-case as Stripe uses it.
            properties["currency"] = entry.Currency?.ToUpperInvariant() ?? "";
        }
        properties["$lib"] = Lib;
        properties["$set_once"] = person.SetOnce;
        properties["$set"] = person.Set;

        return new PostHogEvent(
            EventName(entry.Event),
            DistinctId(entry, session),
            properties,
            DateTimeOffset.FromUnixTimeMilliseconds(entry.Timestamp).ToString("O", CultureInfo.InvariantCulture),
            Hashing.StableUuid($"{entry.SessionId}:{entry.EventId}").ToString());
    }

    /// <summary>
    /// Who an event is about: posthog-js's id as the browser claimed it, else our visitor. A claimed id in our own
    /// namespaces (a session stored before <c>POST /session</c> refused them) is not believed.
    /// </summary>
    internal static string DistinctId(OutboxEntry entry, IReadOnlyDictionary<string, string> session)
    {
        string? Session(string field) => session.TryGetValue(field, out var v) && v.Length > 0 ? v : null;
        var claimed = Session(SessionField.PosthogDistinctId);
        return (PersonIds.IsOwn(claimed) ? null : claimed) ?? Session(SessionField.VisitorId) ?? entry.VisitorId ?? entry.SessionId;
    }

    private const string Lib = "tracking-service";
    private const string Direct = "$direct";

    /// <summary>
    /// For a Purchase with the payer's e-mail: <c>$identify</c> of the person as <c>email:{sha256}</c> with the
    /// anonymous id the session used (<c>$anon_distinct_id</c>), so PostHog merges the two into one person. Only an
    /// address Stripe verified identifies anyone: PostHog merges cannot be undone, and a typed address (a Lead) is
    /// whatever the visitor chose to type, anyone's. The anonymous id is never in <see cref="PersonIds"/>' namespaces
    /// (see <see cref="DistinctId"/>), so the two are never the same id.
    /// </summary>
    public static PostHogEvent? Identify(OutboxEntry entry, PostHogEvent mapped)
    {
        if (entry.Event is not EventNames.Purchase || entry.EmailHash is null)
        {
            return null;
        }
        var identified = PersonIds.Email(entry.EmailHash);
        var anonymous = mapped.DistinctId;
        var properties = new Dictionary<string, PostHogValue>(StringComparer.Ordinal)
        {
            ["$anon_distinct_id"] = anonymous,
            ["$lib"] = Lib,
            ["tracking_session_id"] = entry.SessionId,
        };
        Geolocation(entry, properties);
        return new PostHogEvent("$identify", identified, properties, mapped.Timestamp, Hashing.StableUuid($"{entry.SessionId}:{entry.EventId}:identify").ToString());
    }

    /// <summary>
    /// Every server-sent event names the visitor's address, so PostHog geolocates the visitor and not this service's
    /// data centre; when it is unknown or not public, geolocation is switched off instead.
    /// </summary>
    private static void Geolocation(OutboxEntry entry, Dictionary<string, PostHogValue> properties)
    {
        if (PublicIp.Normalize(entry.Ip) is { } ip)
        {
            properties["$ip"] = ip;
        }
        else
        {
            properties["$geoip_disable"] = PostHogValue.True;
        }
    }

    private static readonly string[] UtmParameters = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"];

    /// <summary>
    /// The page's <c>utm_*</c> as event properties, as posthog-js sets them on every event from the URL, so PostHog's
    /// channel type and entry attribution read them; a property the browser sent itself stays as it is.
    /// </summary>
    private static void CampaignParameters(Uri page, Dictionary<string, PostHogValue> properties)
    {
        if (page.Query.Length < 2)
        {
            return;
        }
        var query = System.Web.HttpUtility.ParseQueryString(page.Query);
        foreach (var name in UtmParameters)
        {
            if (query[name] is { Length: > 0 } value && !properties.ContainsKey(name))
            {
                properties[name] = value;
            }
        }
    }

    /// <summary>
    /// PostHog's <c>$session_id</c> of a visit: a UUIDv7 whose timestamp is the visit's first event (ms) and whose
    /// other bits come from our session id and that start, so every event of the visit (and every retry) carries the same one.
    /// </summary>
    internal static string VisitId(string sessionId, long startMs)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"visit:{sessionId}:{startMs}"))[..16];
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(startMs >> (8 * (5 - i)));
        }
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>The operating system, named as posthog-js names it, from the User-Agent (null when unknown).</summary>
    internal static string? OperatingSystem(string? ua) =>
        string.IsNullOrEmpty(ua) ? null
        : ua.Contains("iPhone", StringComparison.Ordinal) || ua.Contains("iPad", StringComparison.Ordinal) || ua.Contains("iPod", StringComparison.Ordinal) ? "iOS"
        : ua.Contains("Android", StringComparison.Ordinal) ? "Android"
        : ua.Contains("CrOS", StringComparison.Ordinal) ? "Chrome OS"
        : ua.Contains("Windows", StringComparison.Ordinal) ? "Windows"
        : ua.Contains("Mac OS X", StringComparison.Ordinal) || ua.Contains("Macintosh", StringComparison.Ordinal) ? "Mac OS X"
        : ua.Contains("Linux", StringComparison.Ordinal) ? "Linux"
        : null;

    private static JsonElement Props(IReadOnlyDictionary<string, string> session, params (string Key, string Field)[] pairs)
    {
        var props = new Dictionary<string, string>(pairs.Length, StringComparer.Ordinal);
        foreach (var (key, field) in pairs)
        {
            if (session.TryGetValue(field, out var value) && value.Length > 0)
            {
                props[key] = value;
            }
        }
        return JsonSerializer.SerializeToElement(props, PostHogJson.Default.DictionaryStringString);
    }
}
