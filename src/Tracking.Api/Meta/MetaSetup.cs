using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Infrastructure;

namespace Tracking.Meta;

internal static class MetaSetup
{
    /// <summary>Meta Conversions API as an outbox destination: options (validated at start), Refit client, destination.</summary>
    public static IHostApplicationBuilder AddMetaDestination(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MetaOptions>().BindConfiguration(MetaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetaOptions>, MetaOptionsValidator>();
        services.AddDestinationClient<IMetaConversionsApi>("meta", MetaJson.Default.Options, sp => sp.GetRequiredService<IOptions<MetaOptions>>().Value.BaseUrl);
        services.AddSingleton<IDestination, MetaDestination>();
        // Meta's own feedback on what it receives (GET /ops/meta/quality): same resilience as delivery.
        services.AddDestinationClient<IMetaDatasetQualityApi>("meta-quality", MetaJson.Default.Options, sp => sp.GetRequiredService<IOptions<MetaOptions>>().Value.BaseUrl);
        services.AddSingleton<MetaQuality>().AddHttpJson(MetaQualityJson.Default);
        return builder;
    }
}

internal sealed partial class MetaOptionsValidator : IValidateOptions<MetaOptions>
{
    public ValidateOptionsResult Validate(string? name, MetaOptions o)
    {
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _))
        {
            return ValidateOptionsResult.Fail("Meta:BaseUrl must be an absolute URL.");
        }
        if (!ApiVersion().IsMatch(o.ApiVersion))
        {
            return ValidateOptionsResult.Fail($"Meta:ApiVersion must look like v25.0 (got '{o.ApiVersion}').");
        }
        if (o.PixelId.Length > 0 && !o.PixelId.All(char.IsAsciiDigit))
        {
            return ValidateOptionsResult.Fail("Meta:PixelId must be the numeric pixel (dataset) id.");
        }
        if (!MetaOptions.DonationEventNames.Contains(o.DonationEventName, StringComparer.Ordinal))
        {
            return ValidateOptionsResult.Fail($"Meta:DonationEventName must be one of {string.Join(", ", MetaOptions.DonationEventNames)} (got '{o.DonationEventName}').");
        }
        // A renewal named like the first payment would count each month as a new donor's conversion.
        if (o.RenewalEventName.Length > 0 && (o.RenewalEventName.Length > 40 || MetaOptions.DonationEventNames.Contains(o.RenewalEventName, StringComparer.OrdinalIgnoreCase)))
        {
            return ValidateOptionsResult.Fail($"Meta:RenewalEventName must be a custom event name of at most 40 characters, not {string.Join(" or ", MetaOptions.DonationEventNames)} (got '{o.RenewalEventName}').");
        }
        // A standard name would count the refund as one more conversion of that kind.
        if (o.RefundEventName.Length > 0 && (o.RefundEventName.Length > 50 || !o.RefundEventName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ' ')
            || StandardEvents.Contains(o.RefundEventName, StringComparer.OrdinalIgnoreCase)))
        {
            return ValidateOptionsResult.Fail($"Meta:RefundEventName must be a custom event name: at most 50 letters, digits, '_' or spaces, not a standard event (got '{o.RefundEventName}').");
        }
        if (o.QualityCacheFor < TimeSpan.Zero || o.QualityCacheFor > TimeSpan.FromDays(1))
        {
            return ValidateOptionsResult.Fail("Meta:QualityCacheFor must be between 00:00:00 and 1.00:00:00.");
        }
        return ValidateOptionsResult.Success;
    }

    // Meta's standard events (https://developers.facebook.com/docs/meta-pixel/reference#standard-events).
    private static readonly string[] StandardEvents =
    [
        "AddPaymentInfo", "AddToCart", "AddToWishlist", "CompleteRegistration", "Contact", "CustomizeProduct", "Donate", "FindLocation",
        "InitiateCheckout", "Lead", "PageView", "Purchase", "Schedule", "Search", "StartTrial", "SubmitApplication", "Subscribe", "ViewContent",
    ];

    [System.Text.RegularExpressions.GeneratedRegex(@"^v\d+\.\d+$")]
    private static partial System.Text.RegularExpressions.Regex ApiVersion();
}
