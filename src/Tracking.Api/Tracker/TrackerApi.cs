using System.Reflection;
using System.Security.Cryptography;

namespace Tracking.Tracker;

/// <summary>Serves the browser snippet: cacheable, with a content-hash ETag so a new version is picked up at once.</summary>
internal static class TrackerApi
{
    private static readonly Lazy<(byte[] Body, string ETag)> Script = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Tracking.Tracker.tracker.js")!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var body = memory.ToArray();
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

    internal static IResult Get(HttpContext http)
    {
        var (body, etag) = Script.Value;
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
