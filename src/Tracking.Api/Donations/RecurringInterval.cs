namespace Tracking.Donations;

/// <summary>Stripe's billing intervals of a recurring donation, and what one payment is worth a month.</summary>
internal static class RecurringInterval
{
    private static readonly string[] Stripe = ["day", "week", "month", "year"];

    public static bool IsStripeInterval(string? interval) => Array.IndexOf(Stripe, interval?.ToLowerInvariant()) >= 0;

    /// <summary>
    /// Monthly recurring revenue of one payment every <paramref name="interval"/>: a year's worth of payments over
    /// twelve months (a weekly 10 is 43.33 a month), so subscriptions of every interval add up in one figure.
    /// </summary>
    public static decimal Monthly(decimal amount, string interval) => interval switch
    {
        "day" => amount * 365 / 12,
        "week" => amount * 52 / 12,
        "year" => amount / 12,
        _ => amount,
    };
}
