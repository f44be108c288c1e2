using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tracking.Events;

/// <summary>An event as stored in the session's sorted set (validated first by <see cref="EventValidator"/>).</summary>
internal static class EventMember
{
    private static readonly string[] Reserved = ["event", "eventId", "timestamp", "url"];

    /// <summary>The sorted-set member: the seed's flat JSON shape, our own fields first and never overridden.</summary>
    public static string Write(string name, string eventId, long timestamp, string? url, Dictionary<string, JsonElement> props)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event", name);
            writer.WriteString("eventId", eventId);
            writer.WriteNumber("timestamp", timestamp);
            if (url is not null)
            {
                writer.WriteString("url", url);
            }
            // The seed's PageView member: the path and the landing's utm_source, from the page's own URL.
            Uri? page = null;
            var pageView = name == EventNames.PageView && url is not null && Uri.TryCreate(url, UriKind.Absolute, out page);
            if (pageView)
            {
                writer.WriteString("page", page!.AbsolutePath);
                if (Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(page.Query).TryGetValue("utm_source", out var source) && source.ToString() is { Length: > 0 and <= 256 } s)
                {
                    writer.WriteString("utm_source", s);
                }
            }
            foreach (var (key, value) in props)
            {
                if (Array.IndexOf(Reserved, key) < 0 && value.ValueKind != JsonValueKind.Null && !(pageView && key is "page" or "utm_source"))
                {
                    writer.WritePropertyName(key);
                    value.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
