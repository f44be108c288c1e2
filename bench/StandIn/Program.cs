// Meta and PostHog stand-ins that answer at once and count what they receive (requests and events).
using System.Text.Json;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
long metaRequests = 0, metaEvents = 0, posthogRequests = 0, posthogEvents = 0;

app.MapPost("/{version}/{pixel}/events", async (HttpRequest request) =>
{
    using var doc = await JsonDocument.ParseAsync(request.Body);
    var n = doc.RootElement.GetProperty("data").GetArrayLength();
    Interlocked.Increment(ref metaRequests);
    Interlocked.Add(ref metaEvents, n);
    return Results.Text($$"""{"events_received":{{n}},"messages":[],"fbtrace_id":"bench"}""", "application/json");
});
app.MapPost("/batch/", async (HttpRequest request) =>
{
    using var doc = await JsonDocument.ParseAsync(request.Body);
    Interlocked.Increment(ref posthogRequests);
    Interlocked.Add(ref posthogEvents, doc.RootElement.GetProperty("batch").GetArrayLength());
    return Results.Text("""{"status":1}""", "application/json");
});
app.MapGet("/stats", () => Results.Text(
    $$"""{"metaRequests":{{metaRequests}},"metaEvents":{{metaEvents}},"posthogRequests":{{posthogRequests}},"posthogEvents":{{posthogEvents}}}""", "application/json"));
app.Run();
