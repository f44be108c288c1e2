using System.Globalization;
using System.Text.Json;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

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

    /// <summary>Person properties of a session: first touch once (<c>$set_once</c>), last touch always (<c>$set</c>).</summary>
    public static (JsonElement SetOnce, JsonElement Set) PersonProperties(IReadOnlyDictionary<string, string> session) =>
        (Props(session, ("$initial_utm_source", SessionField.UtmSource), ("$initial_utm_medium", SessionField.UtmMedium), ("$initial_utm_campaign", SessionField.UtmCampaign),
                ("$initial_utm_content", SessionField.UtmContent), ("first_touch_source", SessionField.FirstTouchSource), ("first_touch_timestamp", SessionField.FirstTouchTimestamp)),
         Props(session, ("last_touch_source", SessionField.LastTouchSource), ("last_touch_medium", SessionField.LastTouchMedium), ("last_touch_campaign", SessionField.LastTouchCampaign),
                ("last_touch_content", SessionField.LastTouchContent), ("last_touch_timestamp", SessionField.LastTouchTimestamp)));

    /// <param name="person">The session's person properties (see <see cref="PersonProperties"/>), shared by its events.</param>
    public static PostHogEvent Map(OutboxEntry entry, IReadOnlyDictionary<string, string> session, (JsonElement SetOnce, JsonElement Set) person)
    {
        string? Session(string field) => session.TryGetValue(field, out var v) && v.Length > 0 ? v : null;

        var properties = new Dictionary<string, JsonElement>((entry.Properties?.Count ?? 0) + 8, StringComparer.Ordinal);
        foreach (var (key, element) in entry.Properties ?? [])
        {
            properties[key] = element;
        }
        properties["tracking_event"] = Text(entry.Event);
        properties["tracking_session_id"] = Text(entry.SessionId);
        if (entry.Url is not null)
        {
            properties["$current_url"] = Text(entry.Url);
        }
        if (entry.Value is { } value)
        {
            properties["value"] = JsonSerializer.SerializeToElement(value, PostHogJson.Default.Decimal);
            properties["currency"] = Text(entry.Currency ?? "");
        }
        properties["$lib"] = Lib;
        properties["$set_once"] = person.SetOnce;
        properties["$set"] = person.Set;

        var distinctId = Session(SessionField.PosthogDistinctId) ?? Session(SessionField.VisitorId) ?? entry.VisitorId ?? entry.SessionId;
        return new PostHogEvent(
            EventName(entry.Event),
            distinctId,
            properties,
            DateTimeOffset.FromUnixTimeMilliseconds(entry.Timestamp).ToString("O", CultureInfo.InvariantCulture),
            Hashing.StableUuid($"{entry.SessionId}:{entry.EventId}").ToString());
    }

    private static readonly JsonElement Lib = Text("tracking-service");

    private static JsonElement Text(string value) => JsonSerializer.SerializeToElement(value, PostHogJson.Default.String);

    private static JsonElement Props(IReadOnlyDictionary<string, string> session, params (string Key, string Field)[] pairs)
    {
        var props = new Dictionary<string, string>(pairs.Length, StringComparer.Ordinal);
        foreach (var (key, field) in pairs)
        {
            if (session.TryGetValue(field, out var value) && value.Length > 0)
            {
                props[key] = value;
            }
        }
        return JsonSerializer.SerializeToElement(props, PostHogJson.Default.DictionaryStringString);
    }
}
