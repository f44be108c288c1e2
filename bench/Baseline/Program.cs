// The framework's ceiling: the same JSON body read and validated the same way as POST /events, answered 202
// without touching Redis. The difference to the real service is the cost of storing the events.
using Tracking.Events;
using Tracking.Infrastructure;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, EventsJson.Default));
var app = builder.Build();
app.MapPost("/events", async (HttpContext http) =>
{
    var (body, problem) = await JsonBody.ReadAsync(http.Request, EventsJson.Default.EventsRequest);
    if (problem is not null)
    {
        return (IResult)problem;
    }
    var (_, events, invalid) = EventValidator.Validate(body!, 50, DateTimeOffset.UtcNow);
    return invalid ?? (IResult)TypedResults.Accepted((string?)null, new EventsAccepted(events.Count, 0));
});
app.Run();
