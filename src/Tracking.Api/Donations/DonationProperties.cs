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

    /// <summary><paramref name="properties"/> with <c>recurring: true</c> when the donation is a recurring one's payment.</summary>
    public static Dictionary<string, JsonElement>? Recurring(Dictionary<string, JsonElement>? properties, bool recurring)
    {
        if (!recurring)
        {
            return properties;
        }
        properties ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        properties["recurring"] = JsonSerializer.SerializeToElement(true, DonationsJson.Default.Boolean);
        return properties;
    }
}
