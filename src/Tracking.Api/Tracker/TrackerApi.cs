using System.Reflection;
using System.Security.Cryptography;

namespace Tracking.Tracker;

/// <summary>Serves the browser snippet: cacheable, with a content-hash ETag so a new version is picked up at once.</summary>
internal static class TrackerApi
{
    // Served without its whole-line comments: they explain the source to its readers and would be a quarter of every
    // visitor's download. A line that starts with // is a comment wherever it stands: the snippet is ES5, whose strings cannot span lines.
    private static readonly Lazy<string> Source = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Tracking.Tracker.tracker.js")!;
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n').Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal));
        return string.Join('\n', lines);
    });

    private const string DonationEventLine = "var DONATION_EVENT = 'Purchase';";

    // One rendering per donation event name (Meta:DonationEventName, validated at start to Purchase or Donate).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (byte[] Body, string ETag)> Scripts = new(StringComparer.Ordinal);

    private static (byte[] Body, string ETag) Script(string donationEvent) => Scripts.GetOrAdd(donationEvent, name =>
    {
        var body = System.Text.Encoding.UTF8.GetBytes(Source.Value.Replace(DonationEventLine, $"var DONATION_EVENT = '{name}';", StringComparison.Ordinal));
        return (body, $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..16]}\"");
    });

    public static IEndpointRouteBuilder MapTracker(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tracker.js", Get).WithTags("Tracker").WithName("TrackerScript").WithSummary("The browser snippet (window.tracking).")
            .WithDescription("Cacheable for an hour, with a content-hash ETag; 304 when If-None-Match matches.")
            .Produces<string>(StatusCodes.Status200OK, "application/javascript")
            .Produces(StatusCodes.Status304NotModified);
        return app;
    }

    internal static IResult Get(HttpContext http, IConfiguration configuration)
    {
        var name = configuration["Meta:DonationEventName"] is "Donate" ? "Donate" : "Purchase";
        var (body, etag) = Script(name);
        var headers = http.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = "public, max-age=3600";
        headers.XContentTypeOptions = "nosniff";
        headers["X-Tracker-Version"] = "1";
        if (http.Request.Headers.IfNoneMatch.ToString() == etag)
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(body, "application/javascript; charset=utf-8");
    }
}
