namespace Tracking.Infrastructure;

/// <summary>
/// What every endpoint that takes an e-mail address (<c>/signup</c>, <c>/checkout</c>) accepts: one rule, so an
/// address Meta will hash as <c>em</c> on one path is not refused on the other.
/// </summary>
internal static class EmailAddress
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

    public const string Rule = "Must be an e-mail address (name@domain.example, at most 254 characters).";
}
