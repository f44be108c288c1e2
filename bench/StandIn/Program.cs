// Meta and PostHog stand-ins that answer at once and count what they receive (requests and events). Events are
// counted by scanning for each event's id field rather than parsing the JSON, so the stand-in costs the shared
// 2-core box as little as possible.
using System.Text;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
long metaRequests = 0, metaEvents = 0, posthogRequests = 0, posthogEvents = 0;
var eventId = Encoding.UTF8.GetBytes("\"event_id\":");
var uuid = Encoding.UTF8.GetBytes("\"uuid\":");

static async Task<int> CountAsync(HttpRequest request, byte[] marker)
{
    using var buffer = new MemoryStream();
    await request.Body.CopyToAsync(buffer);
    var span = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
    var count = 0;
    for (int i; (i = span.IndexOf(marker)) >= 0; span = span[(i + marker.Length)..])
    {
        count++;
    }
    return count;
}

app.MapPost("/{version}/{pixel}/events", async (HttpRequest request) =>
{
    var n = await CountAsync(request, eventId);
    Interlocked.Increment(ref metaRequests);
    Interlocked.Add(ref metaEvents, n);
    return Results.Text($$"""{"events_received":{{n}},"messages":[],"fbtrace_id":"bench"}""", "application/json");
});
app.MapPost("/batch/", async (HttpRequest request) =>
{
    var n = await CountAsync(request, uuid);
    Interlocked.Increment(ref posthogRequests);
    Interlocked.Add(ref posthogEvents, n);
    return Results.Text("""{"status":1}""", "application/json");
});
app.MapGet("/stats", () => Results.Text(
    $$"""{"metaRequests":{{metaRequests}},"metaEvents":{{metaEvents}},"posthogRequests":{{posthogRequests}},"posthogEvents":{{posthogEvents}}}""", "application/json"));
app.Run();
