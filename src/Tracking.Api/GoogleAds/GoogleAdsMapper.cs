using System.Globalization;
using Tracking.ClickIds;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Storage;

namespace Tracking.GoogleAds;

/// <summary>Our conversions as Data Manager events: the donation (Purchase) and, when configured, the signup (Lead).</summary>
internal static class GoogleAdsMapper
{
    public const string Granted = "CONSENT_GRANTED";

    /// <summary>The conversion action an event counts towards, or null when Google does not get it.</summary>
    public static string? ConversionAction(string eventName, GoogleAdsOptions options) => eventName switch
    {
        EventNames.Purchase => options.ConversionActionId,
        EventNames.Lead when options.SendsLeads => options.LeadConversionActionId,
        _ => null,
    };

    /// <summary>
    /// The event, or null when Google could match it to nothing: no click id (the live session's, else the one the
    /// checkout carried through Stripe) and no e-mail. Only entries with marketing consent get here (the triage).
    /// </summary>
    public static DataManagerEvent? Map(OutboxEntry entry, IReadOnlyDictionary<string, string> session)
    {
        string? Session(string field) => session.TryGetValue(field, out var v) && v.Length > 0 ? v : null;

        var click = GoogleClickIds.Pick(Session(SessionField.Gclid), Session(SessionField.Gbraid), Session(SessionField.Wbraid))
            ?? GoogleClickIds.Pick(entry.Gclid, entry.Gbraid, entry.Wbraid);
        if (click is null && entry.GoogleEmailHash is null)
        {
            return null;
        }
        var ids = click?.Kind switch
        {
            GoogleClickKind.Gclid => new AdIdentifiers(Gclid: click.Value),
            GoogleClickKind.Gbraid => new AdIdentifiers(Gbraid: click.Value),
            GoogleClickKind.Wbraid => new AdIdentifiers(Wbraid: click.Value),
            _ => null,
        };
        return new DataManagerEvent(
            EventTimestamp: Rfc3339(entry.Timestamp),
            // The Purchase's id is the Checkout Session id (Meta's event_id too); the Lead's is stable per session and address.
            TransactionId: entry.EventId,
            AdIdentifiers: ids,
            ConversionValue: entry.Value,
            Currency: entry.Currency?.ToUpperInvariant(),
            EventSource: "WEB",
            UserData: entry.GoogleEmailHash is { } hash ? new UserData([new UserIdentifier(hash)]) : null,
            Consent: new DataManagerConsent(Granted, Granted));
    }

    public static string Rfc3339(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
