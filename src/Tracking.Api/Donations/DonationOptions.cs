namespace Tracking.Donations;

/// <summary>The <c>Donations</c> section.</summary>
public sealed class DonationOptions
{
    public const string Section = "Donations";

    /// <summary>Smallest donation in major units of the chosen currency.</summary>
    public decimal MinAmount { get; set; } = 1;

    public decimal MaxAmount { get; set; } = 10_000;

    /// <summary>ISO 4217 code used when the request names none.</summary>
    public string Currency { get; set; } = "usd";

    /// <summary>Line item name shown on Stripe Checkout.</summary>
    public string ProductName { get; set; } = "Donation";

    /// <summary>Where Stripe sends the donor after paying; must contain {CHECKOUT_SESSION_ID}.</summary>
    public string SuccessUrl { get; set; } = "http://localhost:8080/thank-you?session_id={CHECKOUT_SESSION_ID}";

    public string CancelUrl { get; set; } = "http://localhost:8080/";
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
