using System.Buffers;

namespace Tracking.Sessions;

internal readonly record struct ClientDevice(string DeviceType, string Browser, bool IsBot);

/// <summary>
/// A small table-driven User-Agent classifier (no maintained parser package is available to us). Rules are tried
/// in order and the first match wins, so in-app browsers and Chromium forks come before plain Chrome and Safari.
/// </summary>
internal static class UserAgentClassifier
{
    // Searched for all at once, ignoring case, in one vectorized pass over the User-Agent: a page load classifies
    // every visitor's, and 21 case-insensitive searches one after the other were its service's hottest frame.
    private static readonly SearchValues<string> BotMarkers = SearchValues.Create(
    [
        "bot", "crawler", "spider", "slurp", "facebookexternalhit", "facebookcatalog", "headlesschrome",
        "lighthouse", "curl/", "wget/", "python-requests", "python-urllib", "go-http-client", "okhttp",
        "java/", "httpclient", "axios/", "node-fetch", "postmanruntime", "phantomjs", "preview",
    ], StringComparison.OrdinalIgnoreCase);

    private static readonly (string Marker, string Browser)[] Browsers =
    [
        ("Instagram", "Instagram"),
        ("FBAN/", "Facebook"),
        ("FBAV/", "Facebook"),
        ("FB_IAB", "Facebook"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("EdgA/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("FxiOS/", "Firefox"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ];

    public static ClientDevice Classify(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            // Real browsers always send a User-Agent; its absence marks a script.
            return new ClientDevice("bot", "Other", IsBot: true);
        }
        return userAgent.AsSpan().ContainsAny(BotMarkers)
            ? new ClientDevice("bot", BrowserOf(userAgent), IsBot: true)
            : new ClientDevice(DeviceOf(userAgent), BrowserOf(userAgent), IsBot: false);
    }

    private static string DeviceOf(string ua)
    {
        if (ua.Contains("iPad", StringComparison.Ordinal) || ua.Contains("Tablet", StringComparison.OrdinalIgnoreCase)
            || (ua.Contains("Android", StringComparison.Ordinal) && !ua.Contains("Mobile", StringComparison.Ordinal)))
        {
            return "tablet";
        }
        return ua.Contains("Mobi", StringComparison.Ordinal) || ua.Contains("iPhone", StringComparison.Ordinal)
            ? "mobile"
            : "desktop";
    }

    private static string BrowserOf(string ua)
    {
        foreach (var (marker, browser) in Browsers)
        {
            if (ua.Contains(marker, StringComparison.Ordinal))
            {
                return browser;
            }
        }
        return "Other";
    }
}
