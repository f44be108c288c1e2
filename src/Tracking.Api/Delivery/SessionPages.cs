using Tracking.Storage;

namespace Tracking.Delivery;

/// <summary>What the session knows about an event's page when the event itself does not say: shared by the mappers.</summary>
internal static class SessionPages
{
    /// <summary>
    /// The event's referrer; for an event on the session's landing page that carries none (a PageView posted on its
    /// own after a server-side <c>POST /session</c>), the landing's referrer: the page's document.referrer is that one.
    /// </summary>
    public static string? Referrer(OutboxEntry entry, IReadOnlyDictionary<string, string> session) =>
        entry.Referrer ?? (IsLandingPage(entry.Url, session) && session.TryGetValue(SessionField.ReferrerUrl, out var r) && r.Length > 0 ? r : null);

    /// <summary>The event's page, else the session's latest page (an InitiateCheckout whose request named none).</summary>
    public static string? Url(OutboxEntry entry, IReadOnlyDictionary<string, string> session) =>
        entry.Url ?? (session.TryGetValue(SessionField.LastPage, out var page) && page.Length > 0 ? page : null);

    private static bool IsLandingPage(string? url, IReadOnlyDictionary<string, string> session) =>
        url is not null && session.TryGetValue(SessionField.LandingPage, out var landing) && landing.Length > 0
        && Uri.TryCreate(url, UriKind.Absolute, out var page) && string.Equals(page.AbsolutePath, landing, StringComparison.Ordinal);
}
