using System.Text.Json;
using System.Text.Json.Serialization;
using Refit;

namespace Tracking.Meta;

/// <summary>
/// Meta's Dataset Quality API for a web dataset (the pixel). The token goes in the Authorization header, never in
/// the query string, so no logged URL carries it.
/// </summary>
public interface IMetaDatasetQualityApi
{
    [Get("/{version}/dataset_quality")]
    Task<HttpResponseMessage> GetAsync(string version, [AliasAs("dataset_id")] string datasetId, string fields,
        [Header("Authorization")] string authorization, CancellationToken cancellationToken);
}

/// <summary>What <c>GET /ops/meta/quality</c> answers: Meta's own view of the events this service sends, per event.</summary>
/// <param name="FetchedAt">When Meta was asked (answers are cached for <c>Meta:QualityCacheFor</c>).</param>
public sealed record MetaQualityReport(string DatasetId, DateTimeOffset FetchedAt, IReadOnlyList<MetaEventQuality> Events);

/// <param name="MatchQuality">Event Match Quality, 0–10 (Meta's composite score); null when Meta gave none.</param>
/// <param name="MatchQualityBand">poor (&lt; 4), ok (4–6), good (6–8), great (≥ 8).</param>
/// <param name="MatchKeys">Per identifier (email, ip_address, fbc, …): the share of events that carried it.</param>
/// <param name="CoveragePercent">Event coverage: server events as a share of the browser's, with Meta's goal beside it.</param>
/// <param name="BrowserEventsWithEventId">Deduplication: browser events carrying an event_id, percent.</param>
/// <param name="UploadFrequency">Data freshness as Meta classifies it (e.g. real_time, hourly, daily).</param>
/// <param name="AdditionalConversionsPercent">ACR: Meta's estimate of extra conversions reported thanks to the server events.</param>
public sealed record MetaEventQuality(
    string Event, double? MatchQuality, string? MatchQualityBand, IReadOnlyList<MetaMatchKey> MatchKeys, IReadOnlyList<MetaDiagnostic> Diagnostics,
    double? CoveragePercent, double? CoverageGoalPercent, double? BrowserEventsWithEventId, double? ServerEventsWithEventId,
    string? UploadFrequency, double? AdditionalConversionsPercent);

public sealed record MetaMatchKey(string Identifier, double? CoveragePercent);

public sealed record MetaDiagnostic(string? Name, string? Description, string? Solution, double? Percentage);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(MetaQualityReport))]
internal sealed partial class MetaQualityJson : JsonSerializerContext;
