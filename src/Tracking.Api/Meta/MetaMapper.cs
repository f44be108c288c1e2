using System.Text.Json;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Events;
using Tracking.ClickIds;
using Tracking.Storage;

namespace Tracking.Meta;

/// <summary>Our events as Meta server events (the seed's journey map).</summary>
internal static partial class MetaMapper
{
    /// <summary>Meta's name for our event, or null when Meta does not get it (video progress, unlisted custom events).</summary>
    public static string? EventName(string name, MetaOptions options) => name switch
    {
        EventNames.PageView => "PageView",
        EventNames.ViewContent or EventNames.VideoStart => "ViewContent",
        EventNames.InitiateCheckout => "InitiateCheckout",
        EventNames.Lead => "Lead",
        EventNames.Purchase => options.DonationEventName,
        // Meta optimises on the first payment; a renewal goes only under the name the operator chose.
        EventNames.DonationRenewed => string.IsNullOrWhiteSpace(options.RenewalEventName) ? null : options.RenewalEventName,
        // CAPI has no refund: only a custom event the operator names (a restore is never sent: no negative value).
        EventNames.DonationRefunded => string.IsNullOrEmpty(options.RefundEventName) ? null : options.RefundEventName,
        EventNames.DonationRestored => null,
        // Everything else, video progress included, only when the operator lists it in Meta:CustomEvents.
        _ => options.CustomEvents.Contains(name, StringComparer.Ordinal) ? name : null,
    };

    /// <param name="hash">SHA-256 of a value; the destination memoises it per batch (many events share a visitor).</param>
    public static MetaServerEvent Map(OutboxEntry entry, IReadOnlyDictionary<string, string> session, MetaOptions options, Func<string, string> hash)
    {
        string? Session(string field) => session.TryGetValue(field, out var v) && v.Length > 0 ? v : null;

        var visitor = Session(SessionField.VisitorId) ?? entry.VisitorId;
        var country = Session(SessionField.Country) ?? entry.Country;
        var userData = new MetaUserData(
            ClientIpAddress: PublicIp.Normalize(entry.Ip),
            ClientUserAgent: NullIfEmpty(entry.UserAgent),
            // Cookies pass byte for byte (a parameter-builder appendix included); a malformed one is left out, so
            // Meta never refuses the batch over it, and the next well-formed candidate is used instead.
            Fbp: MetaCookies.FirstWellFormed(Session(SessionField.Fbp), entry.Fbp),
            // A newer click than the cookie's wins, as in Meta's parameter builder.
            Fbc: MetaCookies.Click(Session(SessionField.Fbclid), Session(SessionField.FbclidFirstSeen), Session(SessionField.Fbc), entry.Fbc),
            // Lower-cased as Meta's libraries and the pixel do, so a mixed-case visitor id matches the pixel's.
            ExternalId: visitor is null ? null : [hash(visitor.ToLowerInvariant())],
            Country: country is null ? null : [hash(country.ToLowerInvariant())],
            // None for an address Meta's libraries refuse (they send no em for it either).
            Em: entry.EmailHash is null || entry.MetaRefusesEmail == true ? null : [entry.EmailHash],
            Ct: NormalizeCity(Session(SessionField.City)) is { } city ? [hash(city)] : null);

        var content = entry.Properties?.GetValueOrDefault("content") is { ValueKind: JsonValueKind.String } c ? c.GetString() : null;
        // VideoComplete is the whole video (the session's completion 100), whatever percent the browser attached.
        int? percent = entry.Event == EventNames.VideoComplete ? 100
            : entry.Properties?.GetValueOrDefault("percent") is { ValueKind: JsonValueKind.Number } p && p.TryGetInt32(out var pc) && pc is >= 0 and <= 100 ? pc : null;
        var campaign = entry.Properties?.GetValueOrDefault("campaign") is { ValueKind: JsonValueKind.String } cp ? cp.GetString() : null;
        bool? recurring = entry.Properties?.GetValueOrDefault("recurring") is { ValueKind: JsonValueKind.True } ? true : null;
        MetaCustomData? custom = entry.Value is not null || content is not null || percent is not null || campaign is not null
            ? new MetaCustomData(entry.Value, entry.Currency?.ToUpperInvariant(), content is null ? null : [content], content, percent, campaign, recurring)
            : null;

        return new MetaServerEvent(
            EventName: EventName(entry.Event, options) ?? entry.Event,
            EventTime: entry.Timestamp / 1000,
            EventId: entry.EventId,
            ActionSource: "website",
            // Meta requires event_source_url for website events.
            EventSourceUrl: SessionPages.Url(entry, session),
            ReferrerUrl: SessionPages.Referrer(entry, session),
            UserData: userData,
            CustomData: custom,
            DataProcessingOptions: options.LimitedDataUse ? ["LDU"] : null,
            // 0/0 asks Meta to geolocate the event for LDU.
            DataProcessingOptionsCountry: options.LimitedDataUse ? 0 : null,
            DataProcessingOptionsState: options.LimitedDataUse ? 0 : null);
    }

    /// <summary>Meta's city normalisation before hashing: lower case, no spaces, no punctuation (<c>Los Angeles</c> → <c>losangeles</c>).</summary>
    internal static string? NormalizeCity(string? city)
    {
        if (city is null)
        {
            return null;
        }
        var normalized = string.Concat(city.Where(char.IsLetterOrDigit)).ToLowerInvariant();
        return normalized.Length > 0 ? normalized : null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
