using Tracking.Storage;

namespace Tracking.ClickIds;

/// <summary>
/// The ad platform a donation came from (<c>meta</c>, <c>google</c>, <c>tiktok</c>, <c>other</c>): the one rule the
/// reports and the dashboard use, documented in docs/reports.md. A click id is proof of a paid click, so it wins over
/// <c>utm_source</c>, which is only a label. With click ids of several platforms (the visitor clicked ads on more than
/// one), the one the last touch's source names wins, else Meta, Google, TikTok in that order.
/// </summary>
internal static class AdPlatform
{
    public const string Meta = "meta";
    public const string Google = "google";
    public const string TikTok = "tiktok";
    public const string Other = "other";

    /// <summary>Every platform key, in the order the dashboard lists them.</summary>
    public static readonly string[] Keys = [Meta, Google, TikTok, Other];

    // Each platform's click ids, by session field name.
    private static readonly (string Platform, string[] Fields)[] ClickIdFields =
    [
        (Meta, [SessionField.Fbclid, SessionField.Fbc]),
        (Google, [SessionField.Gclid, SessionField.Gbraid, SessionField.Wbraid]),
        (TikTok, [SessionField.Ttclid]),
    ];

    /// <summary>
    /// The platform of a session's conversion. <paramref name="field"/> reads a field by its session field name (the
    /// live session's, else what the checkout's Stripe metadata kept under the same name); <c>last_touch_source</c>
    /// is the source of the latest campaign landing.
    /// </summary>
    public static string Of(Func<string, string?> field)
    {
        var labelled = OfSource(field(SessionField.LastTouchSource));
        var clicked = ClickIdFields.Where(p => p.Fields.Any(f => !string.IsNullOrEmpty(field(f)))).Select(p => p.Platform).ToList();
        return clicked.Count == 0 ? labelled
            : clicked.Contains(labelled) ? labelled
            : clicked[0];
    }

    /// <summary>The platform a <c>utm_source</c> (or a touch's source) names, compared case-insensitively; <c>other</c> for any other.</summary>
    public static string OfSource(string? source) => source?.Trim().ToLowerInvariant() switch
    {
        "facebook" or "instagram" or "fb" or "ig" or "meta" => Meta,
        "google" or "youtube" => Google,
        "tiktok" => TikTok,
        _ => Other,
    };
}
