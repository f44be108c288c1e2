using System.Web;

namespace Tracking.Sessions;

/// <summary>One attribution touch: where a visit came from.</summary>
internal sealed record Touch(string Source, string? Medium, string? Campaign, string? Content, string? Term, long Timestamp);

/// <summary>What a landing tells us: campaign parameters (explicit ones win over the URL's query) and where it came from.</summary>
internal sealed record Landing(
    UtmParameters Utm,
    string? Fbclid,
    string? Gclid,
    string? Ttclid,
    string? Gbraid,
    string? Wbraid,
    string LandingPage,
    string? ReferrerHost,
    bool HasCampaign)
{
    public static Landing From(SessionRequest request, Uri url)
    {
        var query = HttpUtility.ParseQueryString(url.Query);
        string? Pick(string? explicitValue, string name) => Clean(explicitValue) ?? Clean(query[name]);

        var utm = new UtmParameters(
            Pick(request.Utm?.Source, "utm_source"),
            Pick(request.Utm?.Medium, "utm_medium"),
            Pick(request.Utm?.Campaign, "utm_campaign"),
            Pick(request.Utm?.Content, "utm_content"),
            Pick(request.Utm?.Term, "utm_term"));
        // fbclid is case-sensitive: Meta rejects an fbc whose click id changed case.
        var fbclid = Pick(request.Fbclid, "fbclid");
        var gclid = Pick(request.Gclid, "gclid");
        // ttclid is kept as TikTok wrote it, case included, like fbclid.
        var ttclid = Pick(request.Ttclid, "ttclid");
        // Google's iOS click ids, kept as they came like gclid (Google matches them byte for byte).
        var gbraid = Clean(query["gbraid"]);
        var wbraid = Clean(query["wbraid"]);
        var hasCampaign = utm.Source is not null || utm.Medium is not null || utm.Campaign is not null
            || utm.Content is not null || fbclid is not null || gclid is not null
            || ttclid is not null || gbraid is not null || wbraid is not null;

        string? referrerHost = null;
        if (Uri.TryCreate(request.Referrer, UriKind.Absolute, out var referrer)
            && !string.Equals(referrer.Host, url.Host, StringComparison.OrdinalIgnoreCase))
        {
            referrerHost = referrer.Host;
        }
        return new Landing(utm, fbclid, gclid, ttclid, gbraid, wbraid, url.AbsolutePath, referrerHost, hasCampaign);
    }

    /// <summary>The touch this landing represents, following the usual conventions when utm_source is absent.</summary>
    public Touch ToTouch(long timestamp)
    {
        var (source, medium) = (Utm.Source, Utm.Medium) switch
        {
            ({ } s, var m) => (s, m),
            (null, var m) when Gclid is not null || Gbraid is not null || Wbraid is not null => ("google", m ?? "cpc"),
            (null, var m) when Fbclid is not null => ("facebook", m ?? "paid_social"),
            (null, var m) when Ttclid is not null => ("tiktok", m ?? "paid_social"),
            (null, var m) when ReferrerHost is not null => (ReferrerHost, m ?? "referral"),
            (null, var m) => ("(direct)", m ?? "(none)"),
        };
        return new Touch(source, medium, Utm.Campaign, Utm.Content, Utm.Term, timestamp);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
