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

public sealed record PostHogBatch(string ApiKey, IReadOnlyList<PostHogEvent> Batch, bool HistoricalMigration = false);

/// <summary>One captured event; <c>uuid</c> is stable per event so a re-send is deduplicated by PostHog.</summary>
public sealed record PostHogEvent(string Event, string DistinctId, Dictionary<string, JsonElement> Properties, string Timestamp, string Uuid);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PostHogBatch))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
internal sealed partial class PostHogJson : JsonSerializerContext;
