namespace Tracking.ClickIds;

/// <summary>Which of Google's click ids an ad click left, as Google's conversion imports take them.</summary>
internal enum GoogleClickKind
{
    Gclid,
    Gbraid,
    Wbraid,
}

/// <summary>One Google click id: <c>gclid</c> (web and Android), or on iOS 14+ <c>gbraid</c> (app) or <c>wbraid</c> (web).</summary>
internal sealed record GoogleClick(GoogleClickKind Kind, string Value);

/// <summary>
/// Google's click ids (<c>gclid</c>, <c>gbraid</c>, <c>wbraid</c>) are opaque and case-sensitive, so they travel byte
/// for byte. A conversion carries one: gclid when there is one (the most precise), else gbraid, else wbraid.
/// </summary>
internal static partial class GoogleClickIds
{
    /// <summary>
    /// The URL-safe alphabet Google's ids use, at most 500 characters (Stripe's limit for the metadata value a
    /// checkout carries it in); anything else is left out rather than make Google refuse the request.
    /// </summary>
    public static bool IsWellFormed(string? value) => value is { Length: > 0 and <= 500 } && Format().IsMatch(value);

    /// <summary>The first well-formed click id, preferring gclid, then gbraid, then wbraid; null when there is none.</summary>
    public static GoogleClick? Pick(string? gclid, string? gbraid, string? wbraid) =>
        IsWellFormed(gclid) ? new(GoogleClickKind.Gclid, gclid!)
        : IsWellFormed(gbraid) ? new(GoogleClickKind.Gbraid, gbraid!)
        : IsWellFormed(wbraid) ? new(GoogleClickKind.Wbraid, wbraid!)
        : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9_\-.~]+$")]
    private static partial System.Text.RegularExpressions.Regex Format();
}
