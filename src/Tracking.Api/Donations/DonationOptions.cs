namespace Tracking.Donations;

/// <summary>The <c>Donations</c> section.</summary>
public sealed class DonationOptions
{
    public const string Section = "Donations";

    /// <summary>Smallest donation in major units, for currencies without bounds of their own in <see cref="Limits"/>.</summary>
    public decimal MinAmount { get; set; } = 1;

    public decimal MaxAmount { get; set; } = 10_000;

    /// <summary>ISO 4217 code used when the request names none.</summary>
    public string Currency { get; set; } = "usd";

    /// <summary>The currencies a donation may be made in; empty = <see cref="Currency"/> only.</summary>
    public List<string> Currencies { get; set; } = [];

    /// <summary>Bounds per currency (<c>Donations__Limits__kwd__Max</c>), in major units; a bound not given is the global one.</summary>
    public Dictionary<string, AmountLimits> Limits { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Stripe Checkout Sessions one tracking session may create (a double-click reusing one counts once).</summary>
    public int MaxCheckoutsPerSession { get; set; } = 5;

    /// <summary>
    /// Stripe Checkout Sessions one client (IPv4 address or IPv6 /64) may create an hour, across all its sessions and
    /// every replica (counted in Redis); past it 429 and Stripe is not called.
    /// </summary>
    public int CheckoutsPerClientPerHour { get; set; } = 20;

    /// <summary>The billing intervals a recurring donation may take (<c>day</c>, <c>week</c>, <c>month</c>, <c>year</c>); empty = <c>month</c> only.</summary>
    public List<string> Intervals { get; set; } = [];

    /// <summary>Line item name shown on Stripe Checkout.</summary>
    public string ProductName { get; set; } = "Donation";

    /// <summary>Where Stripe sends the donor after paying; must contain {CHECKOUT_SESSION_ID}.</summary>
    public string SuccessUrl { get; set; } = "http://localhost:8080/thank-you?session_id={CHECKOUT_SESSION_ID}";

    public string CancelUrl { get; set; } = "http://localhost:8080/";

    /// <summary>The allowed currencies, lower-case.</summary>
    public IReadOnlyList<string> AllowedCurrencies() =>
        (Currencies.Count == 0 ? [Currency] : Currencies).Select(c => c.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The allowed recurring intervals, lower-case.</summary>
    public IReadOnlyList<string> AllowedIntervals() =>
        (Intervals.Count == 0 ? ["month"] : Intervals).Select(i => i.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The bounds of a currency: its own from <see cref="Limits"/> where given, else the global ones.</summary>
    public (decimal Min, decimal Max) Bounds(string currency)
    {
        var own = Limits.FirstOrDefault(l => l.Key.Equals(currency, StringComparison.OrdinalIgnoreCase)).Value;
        return (own?.Min ?? MinAmount, own?.Max ?? MaxAmount);
    }
}

/// <summary>One currency's donation bounds in major units (<c>Donations__Limits__{currency}__Min</c> / <c>__Max</c>).</summary>
public sealed class AmountLimits
{
    public decimal? Min { get; set; }

    public decimal? Max { get; set; }
}

/// <summary>The <c>Stripe</c> section. Secrets come from the environment or a secret store, never from appsettings.</summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    public string SecretKey { get; set; } = "";

    /// <summary>The signing secret of the webhook endpoint (whsec_…).</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Stripe's API base; tests point it at a local stand-in.</summary>
    public string ApiBase { get; set; } = "https://api.stripe.com";

    /// <summary>Accepted age of a webhook signature, in seconds (Stripe's default 300).</summary>
    public long WebhookToleranceSeconds { get; set; } = 300;
}
