using Tracking.Infrastructure;
using Microsoft.Extensions.Options;
using Stripe;

namespace Tracking.Donations;

internal static class DonationSetup
{
    public static IHostApplicationBuilder AddDonations(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DonationOptions>().BindConfiguration(DonationOptions.Section).ValidateOnStart();
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DonationOptions>, DonationOptionsValidator>();
        services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>();
        services.AddSingleton<DonationStore>().AddSingleton<SubscriptionStore>();
        services.AddSingleton<ReceiveSubscriptionEvent>().AddSingleton<SubscriptionWrites>();
        services.AddSingleton<DonationStore>().AddSingleton<PaymentLinks>().AddSingleton<RefundStore>().AddSingleton<ReceiveRefund>();
        services.AddSingleton<CreateCheckout>().AddSingleton<ReceiveStripeEvent>().AddSingleton<StripeEventWrites>();
        services.AddSingleton(sp => new CheckoutMark(sp.GetRequiredService<IOptions<StripeOptions>>().Value.WebhookSecret));
        services.AddHttpJson(DonationsJson.Default);
        services.AddHttpClient("stripe", http => http.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton<IStripeClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            // Stripe.net retries network errors itself (safe: every create carries an idempotency key).
            var http = new SystemNetHttpClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient("stripe"), maxNetworkRetries: 2);
            return new StripeClient(apiKey: string.IsNullOrEmpty(o.SecretKey) ? "sk_unset" : o.SecretKey, httpClient: http, apiBase: o.ApiBase);
        });
        return builder;
    }

    public static WebApplication MapDonations(this WebApplication app)
    {
        app.MapCheckoutApi();
        app.MapStripeWebhookApi();
        return app;
    }
}
