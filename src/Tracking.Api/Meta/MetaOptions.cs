namespace Tracking.Meta;

/// <summary>The <c>Meta</c> section: Conversions API credentials. No pixel or token = Meta delivery disabled.</summary>
public sealed class MetaOptions
{
    public const string Section = "Meta";

    public string BaseUrl { get; set; } = "https://graph.facebook.com";
    public string ApiVersion { get; set; } = "v25.0";
    public string PixelId { get; set; } = "";
    public string AccessToken { get; set; } = "";

    /// <summary>Routes events to Events Manager's Test Events tab instead of real reporting.</summary>
    public string TestEventCode { get; set; } = "";

    /// <summary>Sends <c>data_processing_options: ["LDU"]</c> (Limited Data Use) with every event.</summary>
    public bool LimitedDataUse { get; set; }

    /// <summary>Custom event names also forwarded to Meta (standard events always are).</summary>
    public string[] CustomEvents { get; set; } = [];

    /// <summary>
    /// Meta's name for a completed donation: <c>Purchase</c> (default) or <c>Donate</c>, both standard events. The
    /// snippet's pixel call uses the same name, so the browser and server events keep deduplicating.
    /// </summary>
    public string DonationEventName { get; set; } = "Purchase";

    /// <summary>
    /// Meta's name for a recurring donation's renewal (a custom event, e.g. <c>DonationRenewed</c>); empty (default) =
    /// renewals are not sent to Meta, which optimises on the first payment.
    /// </summary>
    public string RenewalEventName { get; set; } = "";

    /// <summary>How long an answer of Meta's Dataset Quality API is reused by <c>GET /ops/meta/quality</c> (Meta updates it daily).</summary>
    public TimeSpan QualityCacheFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The custom event a donation's refund is sent as (value: the amount refunded by that change), or empty (default):
    /// the Conversions API has no refund event, so by default Meta hears nothing of refunds.
    /// </summary>
    public string RefundEventName { get; set; } = "";

    public static readonly string[] DonationEventNames = ["Purchase", "Donate"];

    public bool Enabled => !string.IsNullOrWhiteSpace(PixelId) && !string.IsNullOrWhiteSpace(AccessToken);
}
