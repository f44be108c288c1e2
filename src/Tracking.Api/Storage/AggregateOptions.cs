using Microsoft.Extensions.Options;

namespace Tracking.Storage;

/// <summary>The <c>Tracking</c> section's setting for the daily report counters every write script keeps.</summary>
public sealed class AggregateOptions
{
    public const string Section = "Tracking";

    /// <summary>Campaigns whose report counters are always kept exact, whatever a flood of other campaigns does.</summary>
    public string[] ReportCampaigns { get; set; } = [];
}

/// <summary>Start-up validation: a bad value stops the service with a message naming the configuration key.</summary>
internal sealed class AggregateOptionsValidator : IValidateOptions<AggregateOptions>
{
    public ValidateOptionsResult Validate(string? name, AggregateOptions options)
    {
        var errors = new List<string>();
        const string S = AggregateOptions.Section;
        if (options.ReportCampaigns.Length > 100)
        {
            errors.Add($"{S}:ReportCampaigns holds at most 100 campaigns (got {options.ReportCampaigns.Length}).");
        }
        for (var i = 0; i < options.ReportCampaigns.Length; i++)
        {
            var campaign = options.ReportCampaigns[i];
            if (string.IsNullOrWhiteSpace(campaign) || campaign.Length > 256 || campaign != campaign.Trim() || campaign.IndexOfAny(['|', '\n', '\r']) >= 0)
            {
                errors.Add($"{S}:ReportCampaigns:{i} must be a utm_campaign value: 1-256 characters, no '|', line break or surrounding spaces (got '{campaign}').");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
