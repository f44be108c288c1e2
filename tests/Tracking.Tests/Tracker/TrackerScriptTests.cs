using System.IO.Compression;
using System.Net;
using Tracking.Tests.Support;

namespace Tracking.Tests.Tracker;

public sealed class TrackerScriptTests
{
    [Fact]
    public async Task The_snippet_is_small_cacheable_and_versioned_by_etag()
    {
        using var app = new TrackingApp();
        var client = app.CreateClient();

        var response = await client.GetAsync("/tracker.js");
        var body = await response.Content.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/tracker.js");
        request.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        var again = await client.SendAsync(request);

        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.Public);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(body);
        }
        Assert.True(gzipped.Length < 5 * 1024, $"tracker.js is {gzipped.Length} bytes gzipped");
    }
}
