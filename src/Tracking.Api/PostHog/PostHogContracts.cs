using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Refit;

namespace Tracking.PostHog;

/// <summary>PostHog's capture batch endpoint.</summary>
public interface IPostHogApi
{
    [Post("/batch/")]
    Task<HttpResponseMessage> BatchAsync([Body] PostHogBatch body, CancellationToken cancellationToken);
}

/// <summary>PostHog's private persons API (personal API key): bulk deletion of persons by distinct id.</summary>
public interface IPostHogPersonsApi
{
    [Post("/api/projects/{projectId}/persons/bulk_delete/")]
    Task<HttpResponseMessage> BulkDeleteAsync(string projectId, [Body] PostHogBulkDelete body, [Header("Authorization")] string authorization, CancellationToken cancellationToken);
}

/// <summary>At most 1000 distinct ids; <c>delete_events</c> queues the deletion of their events too.</summary>
public sealed record PostHogBulkDelete(IReadOnlyList<string> DistinctIds, bool DeleteEvents = true);

public sealed record PostHogBatch(string ApiKey, IReadOnlyList<PostHogEvent> Batch, bool HistoricalMigration = false);

/// <summary>One captured event; <c>uuid</c> is stable per event so a re-send is deduplicated by PostHog.</summary>
public sealed record PostHogEvent(string Event, string DistinctId, Dictionary<string, PostHogValue> Properties, string Timestamp, string Uuid);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PostHogBatch))]
[JsonSerializable(typeof(PostHogBulkDelete))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class PostHogJson : JsonSerializerContext;
