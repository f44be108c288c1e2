using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Delivery;
using Tracking.Edge;
using Tracking.Infrastructure;

namespace Tracking.Ops;

public sealed record DeliveryItem(string Id, string Destination, JsonElement Entry, JsonElement? Failure);

public sealed record DeliveryList(string State, int Count, IReadOnlyList<DeliveryItem> Items);

public sealed record ReplayRequest(List<string>? Ids = null);

public sealed record ReplayResult(long Replayed);

internal static class DeliveriesApi
{
    public static IEndpointRouteBuilder MapDeliveriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ops/deliveries").WithTags("Ops").RequireOpsKey()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", List).WithName("ListDeliveries").WithSummary("Pending or dead-lettered outbox entries.")
            .WithQueryChoices<DeliveryState>("state")
            .WithDescription("`state`: dead or pending (required); `limit`: 1-1000, default 100.");
        group.MapPost("/replay", Replay).WithName("ReplayDeliveries").WithSummary("Requeue dead letters (all, or the given ids).")
            .WithDescription("No body (or no `ids`) requeues every dead letter; `ids` (at most 10000, as listed by GET /ops/deliveries) only those.")
            .WithJsonBody<ReplayRequest>(required: false)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    internal static async Task<Results<Ok<DeliveryList>, ProblemHttpResult>> List(OutboxStore store, string? state, int? limit)
    {
        if (!WireName<DeliveryState>.TryParse(state, out var parsed))
        {
            return Problems.Invalid("state", $"Must be {WireName<DeliveryState>.Choices()}.");
        }
        if (limit is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "Must be between 1 and 1000.");
        }
        var found = await store.ListAsync(parsed, limit ?? 100);
        var items = found.Select(ToItem).ToList();
        return TypedResults.Ok(new DeliveryList(WireName<DeliveryState>.Of(parsed), items.Count, items));
    }

    internal static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> Replay(HttpRequest request, OutboxStore store, TimeProvider clock)
    {
        var ids = new List<string>();
        if (request.ContentLength > 0)
        {
            var (body, problem) = await JsonBody.ReadAsync(request, OpsJson.Default.ReplayRequest);
            if (problem is not null)
            {
                return problem;
            }
            ids = body!.Ids ?? [];
            if (ids.Count > 10_000 || ids.Any(id => id.Contains('\n', StringComparison.Ordinal) || id.Length > 300))
            {
                return Problems.Invalid("ids", "At most 10000 outbox ids, as listed by GET /ops/deliveries.");
            }
        }
        var replayed = await store.ReplayAsync(clock.GetUtcNow().ToUnixTimeMilliseconds(), ids);
        return TypedResults.Ok(new ReplayResult(replayed));
    }

    private static DeliveryItem ToItem(StoredEntry stored) =>
        new(stored.Id, OutboxId.DestinationOf(stored.Id), Parse(stored.Entry),
            stored.Reason is null ? null : JsonSerializer.SerializeToElement(stored.Reason, OpsJson.Default.DeadReason));

    private static JsonElement Parse(string json)
    {
        try
        {
            return JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json, OpsJson.Default.String);
        }
    }
}
