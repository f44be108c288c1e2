using Tracking.Tests.Support;

namespace Tracking.Tests.Donations;

/// <summary>
/// A Stripe secret key without the webhook's signing secret would create checkouts while refusing every webhook, so
/// no donation would ever be recorded: the service refuses to start, naming both keys.
/// </summary>
public sealed class StripeSettingsTests
{
    [Fact]
    public void A_secret_key_without_a_webhook_secret_stops_start_up_naming_both_keys()
    {
        using var app = new TrackingApp(new() { ["Stripe:SecretKey"] = "sk_test_without_webhook", ["Stripe:WebhookSecret"] = "" });
        app.ExpectErrors(r => r.Category == "Microsoft.Extensions.Hosting.Internal.Host" && r.Message == StartUp.HostFailed,
            "the missing webhook secret must stop start-up, and the host logs that it did");

        var messages = StartUp.RefusalMessages(app);

        Assert.Contains("Stripe:SecretKey", messages, StringComparison.Ordinal);
        Assert.Contains("Stripe:WebhookSecret", messages, StringComparison.Ordinal);
    }
}
