using System.Globalization;

namespace Tracking.Donations;

/// <summary>A donation's value in major units (25 or 25.50) and its lower-case ISO 4217 currency.</summary>
internal readonly record struct Amount(decimal Major, string Currency)
{
    /// <summary>Stripe's minor units (cents; the unit itself for zero-decimal currencies) as major units.</summary>
    public static Amount FromMinor(long minor, string currency) => new(Money.ToMajor(minor, currency), currency);

    /// <summary>The major value as the scripts store it (invariant culture, e.g. <c>25.5</c>).</summary>
    public string Text => Major.ToString(CultureInfo.InvariantCulture);
}
