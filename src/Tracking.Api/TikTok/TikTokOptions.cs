using Microsoft.Extensions.Options;

namespace Tracking.TikTok;

/// <summary>The <c>TikTok</c> section: Events API credentials. No pixel code or token = TikTok delivery disabled.</summary>
public sealed class TikTokOptions
{
    public const string Section = "TikTok";

    public string BaseUrl { get; set; } = "https://business-api.tiktok.com";

    /// <summary>The pixel's code (Events Manager → the pixel → Settings): the request's <c>event_source_id</c>.</summary>
    public string PixelCode { get; set; } = "";

    /// <summary>The Events API access token generated in the pixel's settings; sent as the <c>Access-Token</c> header.</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>Routes events to Events Manager's Test Events tab instead of real reporting.</summary>
    public string TestEventCode { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(PixelCode) && !string.IsNullOrWhiteSpace(AccessToken);
}

internal sealed partial class TikTokOptionsValidator : IValidateOptions<TikTokOptions>
{
    public ValidateOptionsResult Validate(string? name, TikTokOptions o)
    {
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _))
        {
            return ValidateOptionsResult.Fail("TikTok:BaseUrl must be an absolute URL.");
        }
        if (o.PixelCode.Length > 0 && !PixelCode().IsMatch(o.PixelCode))
        {
            return ValidateOptionsResult.Fail("TikTok:PixelCode must be the pixel code (upper-case letters and digits, such as C4ABCDEFGH12IJKL3MN0).");
        }
        return ValidateOptionsResult.Success;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Z0-9]{8,40}$")]
    private static partial System.Text.RegularExpressions.Regex PixelCode();
}
