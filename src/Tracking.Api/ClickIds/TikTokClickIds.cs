namespace Tracking.ClickIds;

/// <summary>
/// TikTok's click id (<c>ttclid</c>, the landing URL's parameter) and browser cookie (<c>_ttp</c>, the pixel's). Their
/// format is TikTok's, not a destination's: the checkout forwards them to Stripe, TikTok's mapper sends them. Both
/// pass byte for byte, case kept: TikTok matches them as the pixel wrote them.
/// </summary>
internal static partial class TikTokClickIds
{
    /// <summary>
    /// A ttclid as TikTok writes it (<c>E.C.P.…</c>: letters, digits and <c>. _ - + / = ~</c>), at most 500 characters
    /// (Stripe's limit for the metadata value a checkout carries it in); anything else (spaces, quotes) is malformed.
    /// </summary>
    public static string? Ttclid(string? value) => value is not null && value.Length <= 500 && TtclidFormat().IsMatch(value) ? value : null;

    /// <summary>A <c>_ttp</c> cookie as the pixel writes it (<c>2F7h37YkS1j57AYSKTI7IHhJPYH</c>, optionally <c>.tt.1</c>), at most 128 characters.</summary>
    public static string? Ttp(string? value) => value is not null && value.Length <= 128 && TtpFormat().IsMatch(value) ? value : null;

    /// <summary>The first candidate that is well formed by <paramref name="rule"/>, else null.</summary>
    public static string? First(Func<string?, string?> rule, params string?[] candidates) =>
        candidates.Select(rule).FirstOrDefault(v => v is not null);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9._\-+/=~]+$")]
    private static partial System.Text.RegularExpressions.Regex TtclidFormat();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9._\-]+$")]
    private static partial System.Text.RegularExpressions.Regex TtpFormat();
}
