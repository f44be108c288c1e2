namespace Tracking.GoogleAds;

/// <summary>
/// The <c>GoogleAds</c> section: conversions sent through Google's Data Manager API. No key file, customer or
/// conversion action = Google Ads delivery disabled.
/// </summary>
public sealed class GoogleAdsOptions
{
    public const string Section = "GoogleAds";

    public string BaseUrl { get; set; } = "https://datamanager.googleapis.com";

    /// <summary>A service account's JSON key file; its <c>token_uri</c> is where access tokens come from.</summary>
    public string CredentialsFile { get; set; } = "";

    /// <summary>The Google Ads account (operating account) that owns the conversion actions, digits only.</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>The manager account the service account acts through, when it is not the customer itself.</summary>
    public string LoginCustomerId { get; set; } = "";

    /// <summary>The conversion action a donation (Purchase) counts towards.</summary>
    public string ConversionActionId { get; set; } = "";

    /// <summary>The conversion action of a signup (Lead); empty = signups are not sent.</summary>
    public string LeadConversionActionId { get; set; } = "";

    public bool Enabled =>
        !string.IsNullOrWhiteSpace(CredentialsFile) && !string.IsNullOrWhiteSpace(CustomerId) && !string.IsNullOrWhiteSpace(ConversionActionId);

    public bool SendsLeads => !string.IsNullOrWhiteSpace(LeadConversionActionId);
}
