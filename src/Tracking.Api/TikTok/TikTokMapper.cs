using System.Text.Json;
using Tracking.ClickIds;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Events;
using Tracking.Storage;

namespace Tracking.TikTok;

/// <summary>Our events as TikTok web events (Events API 2.0).</summary>
internal static class TikTokMapper
{
    /// <summary>
    /// TikTok's name for our event, or null when TikTok does not get it. Names are TikTok's standard web events after
    /// its 2025 rename (Purchase was CompletePayment, Lead was SubmitForm). A page view is not one of them (the pixel
    /// reports its own), and TikTok does not optimise on custom events, so neither is sent.
    /// </summary>
    public static string? EventName(string name) => name switch
    {
        EventNames.ViewContent or EventNames.VideoStart => "ViewContent",
        EventNames.InitiateCheckout => "InitiateCheckout",
        EventNames.Lead => "Lead",
        EventNames.Purchase => "Purchase",
        _ => null,
    };

    /// <param name="hash">SHA-256 of a value; the destination memoises it per batch (many events share a visitor).</param>
    public static TikTokEvent Map(OutboxEntry entry, IReadOnlyDictionary<string, string> session, Func<string, string> hash)
    {
        string? Session(string field) => session.TryGetValue(field, out var v) && v.Length > 0 ? v : null;

        var visitor = Session(SessionField.VisitorId) ?? entry.VisitorId;
        var user = new TikTokUser(
            // The live session's first, else what the checkout carried through Stripe; a malformed one is left out.
            Ttclid: TikTokClickIds.First(TikTokClickIds.Ttclid, Session(SessionField.Ttclid), entry.Ttclid),
            Ttp: TikTokClickIds.First(TikTokClickIds.Ttp, Session(SessionField.Ttp), entry.Ttp),
            Email: entry.EmailHash,
            // Lower-cased before hashing, as TikTok's pixel and partner integrations normalise it.
            ExternalId: visitor is null ? null : hash(visitor.Trim().ToLowerInvariant()),
            Ip: PublicIp.Normalize(entry.Ip),
            UserAgent: string.IsNullOrEmpty(entry.UserAgent) ? null : entry.UserAgent);

        var content = entry.Properties?.GetValueOrDefault("content") is { ValueKind: JsonValueKind.String } c ? c.GetString() : null;
        TikTokProperties? properties = entry.Value is not null || content is not null
            ? new TikTokProperties(
                entry.Value,
                entry.Currency?.ToUpperInvariant(),
                content is null ? null : [new TikTokContent(content, ContentType, content)],
                content is null ? null : ContentType)
            : null;

        return new TikTokEvent(
            Event: EventName(entry.Event) ?? entry.Event,
            EventTime: entry.Timestamp / 1000,
            EventId: entry.EventId,
            User: user,
            Page: entry.Url is null && entry.Referrer is null ? null : new TikTokPage(entry.Url, entry.Referrer),
            Properties: properties);
    }

    // TikTok takes "product" or "product_group"; a film (or one of its videos) is one product.
    private const string ContentType = "product";
}
