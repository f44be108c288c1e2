using Microsoft.AspNetCore.Http;

namespace Tracking.Infrastructure;

/// <summary>
/// The page a browser request came from, read from its <c>Referer</c> header when the client did not say: an
/// absolute http(s) URL no longer than the caller's limit, else nothing (a header is client input like any other).
/// </summary>
internal static class RefererPage
{
    public static string? From(HttpRequest request, int maxLength)
    {
        var value = request.Headers.Referer.ToString();
        return IsPageUrl(value, maxLength) ? value : null;
    }

    /// <summary>What a page address given to the service must be, in a body or this header: an absolute http(s) URL of at most <paramref name="maxLength"/> characters.</summary>
    public static bool IsPageUrl(string value, int maxLength) =>
        value.Length > 0 && value.Length <= maxLength && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
