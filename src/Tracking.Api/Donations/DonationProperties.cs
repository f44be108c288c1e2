using System.Text.Json;

namespace Tracking.Donations;

/// <summary>The forwarded properties of a server donation event (InitiateCheckout, Purchase).</summary>
internal static class DonationProperties
{
    /// <summary><c>content</c> and <c>campaign</c>, then <paramref name="more"/>, each only when known; null when none is.</summary>
    public static Dictionary<string, JsonElement>? For(string? content, string? campaign, params (string Key, string? Value)[] more)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in new[] { ("content", content), ("campaign", campaign) }.Concat(more))
        {
            if (value is not null)
            {
                properties[key] = JsonSerializer.SerializeToElement(value, DonationsJson.Default.String);
            }
        }
        return properties.Count == 0 ? null : properties;
    }
}
