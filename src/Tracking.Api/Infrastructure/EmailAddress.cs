namespace Tracking.Infrastructure;

/// <summary>
/// What every endpoint that takes an e-mail address (<c>/signup</c>, <c>/checkout</c>) accepts: one rule, so an
/// address Meta will hash as <c>em</c> on one path is not refused on the other.
/// </summary>
internal static partial class EmailAddress
{
    public const int MaxLength = 254;

    /// <summary>One '@' between a non-empty local part (≤ 64) and a dotted domain; no spaces, control or list characters; at most 254 characters.</summary>
    public static bool IsValid(string? email)
    {
        var value = email?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"'))
        {
            return false;
        }
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at > 64)
        {
            return false;
        }
        var domain = value[(at + 1)..];
        return domain.Length >= 3 && domain.Contains('.', StringComparison.Ordinal) && domain[0] != '.' && domain[^1] != '.' && !domain.Contains("..", StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether Meta's libraries take the address for <c>em</c> (facebook-nodejs-business-sdk's <c>normalizeEmail</c>,
    /// after trimming and lower-casing): ASCII letters, digits and <c>!#$%&amp;'*+/=?^`{|}~-</c> in dot-separated
    /// local parts, and a domain of ASCII labels ending in a letter or digit. <c>Jöhn@Exämple.com</c> and
    /// <c>donor@example.com.</c> are refused, so Meta gets no <c>em</c> for them.
    /// </summary>
    public static bool MetaAccepts(string? email) =>
        !string.IsNullOrWhiteSpace(email) && MetaForm().IsMatch(email.Trim().ToLowerInvariant());

    // The SDK's expression as it runs in JavaScript: \w is ASCII there, and "(:?" (an optional colon) is its own typo for
    // "(?:", kept so the same addresses pass.
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9_!#\$%&'\*\+/=\?\^`\{\|\}~\-]+(:?\.[A-Za-z0-9_!#\$%&'\*\+/=\?\^`\{\|\}~\-]+)*@(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex MetaForm();

    public const string Rule = "Must be an e-mail address (name@domain.example, at most 254 characters).";
}
