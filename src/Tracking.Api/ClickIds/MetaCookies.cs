namespace Tracking.ClickIds;

/// <summary>
/// Meta's click cookies: <c>_fbp</c> (the browser) and <c>_fbc</c> (the click, or built from an <c>fbclid</c>).
/// Their format is the pixel's, not a destination's: the checkout forwards them to Stripe, Meta's mapper sends them.
/// </summary>
internal static partial class MetaCookies
{
    /// <summary>
    /// fbc built from the click id as Meta specifies: <c>fb.1.{ms when the fbclid was first seen}.{fbclid}</c>,
    /// with the fbclid's case untouched (changing either is a known bug that makes Meta discard the click).
    /// </summary>
    public static string? Fbc(string? fbclid, string? firstSeenMs) =>
        fbclid is null || firstSeenMs is null ? null : $"fb.1.{firstSeenMs}.{fbclid}";

    /// <summary>
    /// Meta's cookie formats: <c>fb.{subdomain index 0-2}.{creation ms}.{fbclid or random number}</c>, optionally
    /// followed by the parameter builder's <c>.{appendix}</c>. Anything else (spaces, quotes, missing parts,
    /// seconds instead of milliseconds is still accepted: Meta takes either) is malformed.
    /// </summary>
    /// (At most 500 characters: also Stripe's limit for the metadata value a checkout carries it in.)
    public static bool IsWellFormed(string value) => value.Length <= 500 && CookieFormat().IsMatch(value);

    /// <summary>
    /// The click to send, as Meta's parameter builder decides it: a well-formed <c>_fbc</c> cookie (the first of
    /// <paramref name="cookies"/>) unless the landing brought a different click (<paramref name="fbclid"/>, seen at
    /// <paramref name="firstSeenMs"/>) after the cookie was made; then a new fbc carrying that click and its landing time.
    /// The same click keeps the cookie (its original time and appendix).
    /// </summary>
    public static string? Click(string? fbclid, string? firstSeenMs, params string?[] cookies)
    {
        var cookie = FirstWellFormed(cookies);
        var built = FirstWellFormed(Fbc(fbclid, firstSeenMs));
        if (cookie is null || built is null)
        {
            return cookie ?? built;
        }
        var parts = cookie.Split('.');
        return parts[3] == fbclid || CreatedMs(parts[2]) > long.Parse(firstSeenMs!, System.Globalization.CultureInfo.InvariantCulture) ? cookie : built;
    }

    // A cookie's creation time in ms: Meta accepts seconds (10 digits) as well.
    private static long CreatedMs(string digits)
    {
        var value = long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        return digits.Length <= 10 ? value * 1000 : value;
    }

    /// <summary>The first candidate cookie that is well formed (<see cref="IsWellFormed"/>), else null.</summary>
    public static string? FirstWellFormed(params string?[] candidates) =>
        candidates.FirstOrDefault(v => v is not null && IsWellFormed(v));

    [System.Text.RegularExpressions.GeneratedRegex(@"^fb\.[0-2]\.[0-9]{10,13}\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$")]
    private static partial System.Text.RegularExpressions.Regex CookieFormat();
}
