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

public sealed record PostHogBatch(string ApiKey, IReadOnlyList<PostHogEvent> Batch, bool HistoricalMigration = false);

/// <summary>One captured event; <c>uuid</c> is stable per event so a re-send is deduplicated by PostHog.</summary>
public sealed record PostHogEvent(string Event, string DistinctId, JsonObject Properties, string Timestamp, string Uuid);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PostHogBatch))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class PostHogJson : JsonSerializerContext;
