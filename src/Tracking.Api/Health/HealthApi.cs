using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Infrastructure;
using Tracking.Projection;

namespace Tracking.Health;

/// <param name="Status">
/// <c>ready</c>, or <c>degraded</c> when the daily report counters lag the facts by more than Reports:MaxLagSeconds
/// (the service still accepts and keeps data; reports still count everything, catching up as they read).
/// </param>
/// <param name="Destinations">
/// Per destination, as this replica's worker last saw it: unknown (nothing sent yet), ok, failing, unauthorized
/// (our key is refused: rotate it), disabled (no credentials).
/// </param>
public sealed record HealthReport(
    string Status, double? RedisLatencyMs = null, long? OutboxDepth = null, double? OldestDueAgeSeconds = null,
    IReadOnlyDictionary<string, string>? Destinations = null, double? ProjectionLagSeconds = null, long? ProjectionPending = null);

internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/live", () => TypedResults.Ok(new HealthReport("live")))
            .WithName("Live").WithSummary("The process is up.");
        group.MapGet("/ready", Ready)
            .WithName("Ready").WithSummary("Redis answers: the service can accept data.")
            .WithDescription("""
                Anonymous: only `status`. With `Authorization: Bearer {Ops__ApiKey}` (a wrong key is refused 401 and counts
                towards the ops-key lockout, as on every ops route) also the details: `redisLatencyMs`; `outboxDepth` counts entries waiting for Meta/PostHog; `oldestDueAgeSeconds` is how overdue the most overdue is;
                `destinations` says per destination whether this replica's sends succeed (`ok`), fail for now (`failing`), are
                refused for our credentials (`unauthorized`: rotate the key), or nothing was sent yet (`unknown`), or it is `disabled`.
                `projectionLagSeconds` is the age of the oldest fact not yet counted in the report counters, `projectionPending` how many wait;
                past `Reports__MaxLagSeconds` the status is `degraded`.
                Stays 200 while Redis answers: the service still accepts and keeps data.
                """)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .RequireRateLimiting(RateLimiting.Health).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    internal static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> Ready(
        HttpContext http, IDatabase db, OutboxStore outbox, IEnumerable<IDestination> destinations, DestinationHealth health, TimeProvider clock,
        ProjectionLag projection, Microsoft.Extensions.Options.IOptions<ProjectionOptions> projectionOptions)
    {
        // Credential state and backlog tell an outsider which destination is broken and how much is queued: operators only.
        var detailed = http.Request.Headers.Authorization.Count > 0;
        if (detailed && await OpsKeyFilter.RefusalAsync(http) is { } refused)
        {
            return refused;
        }
        try
        {
            var latency = await db.PingAsync().WaitAsync(TimeSpan.FromSeconds(2));
            var lag = await projection.MeasureAsync().WaitAsync(TimeSpan.FromSeconds(2));
            var ready = lag.Seconds > projectionOptions.Value.MaxLagSeconds ? "degraded" : "ready";
            if (!detailed)
            {
                return TypedResults.Ok(new HealthReport(ready));
            }
            var (depth, oldestDue) = await outbox.DepthAsync().WaitAsync(TimeSpan.FromSeconds(2));
            // How overdue the most overdue entry is: 0 when nothing waits past its due time.
            var overdue = oldestDue is { } due ? Math.Max(0, (clock.GetUtcNow().ToUnixTimeMilliseconds() - due) / 1000.0) : 0;
            var status = destinations.ToDictionary(d => d.Name, d => WireName<DestinationStatus>.Of(health.Of(d)), StringComparer.Ordinal);
            return TypedResults.Ok(new HealthReport(ready, Math.Round(latency.TotalMilliseconds, 2), depth, Math.Round(overdue, 1), status,
                Math.Round(lag.Seconds, 1), lag.Pending));
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
