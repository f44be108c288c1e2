namespace Tracking.Donations;

/// <summary>Major units ↔ Stripe's minor units, per currency.</summary>
internal static class Money
{
    // Stripe's zero-decimal currencies: the amount is already in the smallest unit.
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.Ordinal)
    {
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    };

    // Three-decimal currencies; Stripe wants their minor amounts rounded to a multiple of 10.
    private static readonly HashSet<string> ThreeDecimal = new(StringComparer.Ordinal) { "bhd", "jod", "kwd", "omr", "tnd" };

    public static bool IsCurrency(string? code) => code is { Length: 3 } && code.All(char.IsAsciiLetter);

    public static int Decimals(string currency) => ZeroDecimal.Contains(currency) ? 0 : ThreeDecimal.Contains(currency) ? 3 : 2;

    /// <summary>The amount in minor units, or null when it has more decimals than the currency allows.</summary>
    public static long? ToMinor(decimal amount, string currency)
    {
        var decimals = Decimals(currency);
        var scaled = amount * (decimal)Math.Pow(10, decimals);
        if (scaled != decimal.Truncate(scaled) || (decimals == 3 && scaled % 10 != 0))
        {
            return null;
        }
        return (long)scaled;
    }

    public static decimal ToMajor(long minor, string currency) => minor / (decimal)Math.Pow(10, Decimals(currency));
}
