using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Infrastructure;

namespace Tracking.Health;

public sealed record HealthReport(string Status, double? RedisLatencyMs = null, long? OutboxDepth = null, double? OldestDueAgeSeconds = null);

internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/live", () => TypedResults.Ok(new HealthReport("live")))
            .WithName("Live").WithSummary("The process is up.");
        group.MapGet("/ready", Ready)
            .WithName("Ready").WithSummary("Redis answers: the service can accept data.")
            .WithDescription("`outboxDepth` counts entries waiting for Meta/PostHog; `oldestDueAgeSeconds` is how overdue the most overdue is.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(RateLimiting.Health).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    internal static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> Ready(IDatabase db, OutboxStore outbox, TimeProvider clock)
    {
        try
        {
            var latency = await db.PingAsync().WaitAsync(TimeSpan.FromSeconds(2));
            var (depth, oldestDue) = await outbox.DepthAsync().WaitAsync(TimeSpan.FromSeconds(2));
            // How overdue the most overdue entry is: 0 when nothing waits past its due time.
            var overdue = oldestDue is { } due ? Math.Max(0, (clock.GetUtcNow().ToUnixTimeMilliseconds() - due) / 1000.0) : 0;
            return TypedResults.Ok(new HealthReport("ready", Math.Round(latency.TotalMilliseconds, 2), depth, Math.Round(overdue, 1)));
        }
        catch (Exception ex) when (ex is TimeoutException || Infrastructure.StoreUnavailableHandler.IsStoreFailure(ex))
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Not ready", "Redis does not answer.", "redis");
        }
    }
}

/// <summary>Source-generated JSON of the health endpoints.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
