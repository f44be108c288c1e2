using System.Text.Json;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Meta;

/// <summary>Our events as Meta server events (the seed's journey map).</summary>
internal static class MetaMapper
{
    /// <summary>Meta's name for our event, or null when Meta does not get it (video progress, unlisted custom events).</summary>
    public static string? EventName(string name, MetaOptions options) => name switch
    {
        EventNames.PageView => "PageView",
        EventNames.ViewContent or EventNames.VideoStart => "ViewContent",
        EventNames.InitiateCheckout => "InitiateCheckout",
        EventNames.Purchase => "Purchase",
        EventNames.VideoProgress => null,
        _ => options.CustomEvents.Contains(name, StringComparer.Ordinal) ? name : null,
    };

    /// <param name="hash">SHA-256 of a value; the destination memoises it per batch (many events share a visitor).</param>
    public static MetaServerEvent Map(OutboxEntry entry, IReadOnlyDictionary<string, string> session, MetaOptions options, Func<string, string> hash)
    {
        string? Session(string field) => session.TryGetValue(field, out var v) && v.Length > 0 ? v : null;

        var visitor = Session(SessionField.VisitorId) ?? entry.VisitorId;
        var country = Session(SessionField.Country) ?? entry.Country;
        var userData = new MetaUserData(
            ClientIpAddress: NullIfEmpty(entry.Ip),
            ClientUserAgent: NullIfEmpty(entry.UserAgent),
            Fbp: Session(SessionField.Fbp) ?? entry.Fbp,
            Fbc: Session(SessionField.Fbc) ?? entry.Fbc ?? BuildFbc(Session(SessionField.Fbclid), Session(SessionField.FbclidFirstSeen)),
            ExternalId: visitor is null ? null : [hash(visitor)],
            Country: country is null ? null : [hash(country.ToLowerInvariant())],
            Em: entry.EmailHash is null ? null : [entry.EmailHash]);

        var content = entry.Properties?.GetValueOrDefault("content") is { ValueKind: JsonValueKind.String } c ? c.GetString() : null;
        MetaCustomData? custom = entry.Value is not null || content is not null
            ? new MetaCustomData(entry.Value, entry.Currency?.ToUpperInvariant(), content is null ? null : [content], content)
            : null;

        return new MetaServerEvent(
            EventName: EventName(entry.Event, options) ?? entry.Event,
            EventTime: entry.Timestamp / 1000,
            EventId: entry.EventId,
            ActionSource: "website",
            EventSourceUrl: entry.Url,
            UserData: userData,
            CustomData: custom,
            DataProcessingOptions: options.LimitedDataUse ? ["LDU"] : null,
            // 0/0 asks Meta to geolocate the event for LDU.
            DataProcessingOptionsCountry: options.LimitedDataUse ? 0 : null,
            DataProcessingOptionsState: options.LimitedDataUse ? 0 : null);
    }

    /// <summary>
    /// fbc built from the click id as Meta specifies: <c>fb.1.{ms when the fbclid was first seen}.{fbclid}</c>,
    /// with the fbclid's case untouched (changing either is a known bug that makes Meta discard the click).
    /// </summary>
    public static string? BuildFbc(string? fbclid, string? firstSeenMs) =>
        fbclid is null || firstSeenMs is null ? null : $"fb.1.{firstSeenMs}.{fbclid}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
