using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tracking.Delivery;

/// <summary>A destination's answer body read as JSON, or null: an empty or malformed body is an answer to classify, not an error.</summary>
internal static class ResponseBody
{
    public static T? TryRead<T>(string content, JsonTypeInfo<T> info)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(content, info);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
