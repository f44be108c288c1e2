using System.Globalization;
using System.Text.Json.Nodes;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Infrastructure;

namespace Tracking.PostHog;

/// <summary>Our events as PostHog events (the seed's journey map), with attribution as person properties.</summary>
internal static class PostHogMapper
{
    public static string EventName(string name) => name switch
    {
        EventNames.PageView => "$pageview",
        EventNames.ViewContent or EventNames.VideoStart => "Content Viewed",
        EventNames.VideoProgress => "Video Progress",
        EventNames.InitiateCheckout => "Checkout Started",
        EventNames.Purchase => "Donation Completed",
        _ => name,
    };

    public static PostHogEvent Map(OutboxEntry entry, IReadOnlyDictionary<string, string> session)
    {
        string? Session(string field) => session.TryGetValue(field, out var v) && v.Length > 0 ? v : null;

        var properties = new JsonObject();
        foreach (var (key, element) in entry.Properties ?? [])
        {
            properties[key] = JsonNode.Parse(element.GetRawText());
        }
        properties["tracking_event"] = entry.Event;
        properties["tracking_session_id"] = entry.SessionId;
        if (entry.Url is not null)
        {
            properties["$current_url"] = entry.Url;
        }
        if (entry.Value is { } value)
        {
            properties["value"] = value;
            properties["currency"] = entry.Currency;
        }
        properties["$lib"] = "tracking-service";
        // Attribution as person properties: the first touch never changes ($set_once), the last touch does ($set).
        properties["$set_once"] = Props(
            ("$initial_utm_source", Session("utm_source")), ("$initial_utm_medium", Session("utm_medium")),
            ("$initial_utm_campaign", Session("utm_campaign")), ("$initial_utm_content", Session("utm_content")),
            ("first_touch_source", Session("first_touch_source")), ("first_touch_timestamp", Session("first_touch_timestamp")));
        properties["$set"] = Props(
            ("last_touch_source", Session("last_touch_source")), ("last_touch_medium", Session("last_touch_medium")),
            ("last_touch_campaign", Session("last_touch_campaign")), ("last_touch_content", Session("last_touch_content")),
            ("last_touch_timestamp", Session("last_touch_timestamp")));

        var distinctId = Session("posthog_distinct_id") ?? Session("visitor_id") ?? entry.VisitorId ?? entry.SessionId;
        return new PostHogEvent(
            EventName(entry.Event),
            distinctId,
            properties,
            DateTimeOffset.FromUnixTimeMilliseconds(entry.Timestamp).ToString("O", CultureInfo.InvariantCulture),
            Hashing.StableUuid($"{entry.SessionId}:{entry.EventId}").ToString());
    }

    private static JsonObject Props(params (string Key, string? Value)[] pairs)
    {
        var props = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            if (value is not null)
            {
                props[key] = value;
            }
        }
        return props;
    }
}
