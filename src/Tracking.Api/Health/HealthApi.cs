using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;
using Tracking.Infrastructure;

namespace Tracking.Health;

public sealed record HealthReport(string Status, double? RedisLatencyMs = null);

internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/live", () => TypedResults.Ok(new HealthReport("live")))
            .WithName("Live").WithSummary("The process is up.");
        group.MapGet("/ready", Ready)
            .WithName("Ready").WithSummary("Redis answers: the service can accept data.");
        return app;
    }

    internal static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> Ready(IDatabase db)
    {
        try
        {
            var latency = await db.PingAsync().WaitAsync(TimeSpan.FromSeconds(2));
            return TypedResults.Ok(new HealthReport("ready", Math.Round(latency.TotalMilliseconds, 2)));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Not ready", "Redis does not answer.", "redis");
        }
    }
}
