using System.Text.Json.Serialization;
using Refit;

namespace Tracking.Meta;

/// <summary>Meta Graph <c>/{pixel}/events</c>. The token travels in the body so it never appears in a logged URL.</summary>
public interface IMetaConversionsApi
{
    [Post("/{version}/{pixelId}/events")]
    Task<HttpResponseMessage> SendAsync(string version, string pixelId, [Body] MetaEventsRequest body, CancellationToken cancellationToken);
}

public sealed record MetaEventsRequest(IReadOnlyList<MetaServerEvent> Data, string AccessToken, string? TestEventCode);

public sealed record MetaServerEvent(
    string EventName,
    long EventTime,
    string EventId,
    string ActionSource,
    string? EventSourceUrl,
    string? ReferrerUrl,
    MetaUserData UserData,
    MetaCustomData? CustomData,
    string[]? DataProcessingOptions,
    int? DataProcessingOptionsCountry,
    int? DataProcessingOptionsState);

public sealed record MetaUserData(
    string? ClientIpAddress,
    string? ClientUserAgent,
    string? Fbp,
    string? Fbc,
    string[]? ExternalId,
    string[]? Country,
    string[]? Em,
    string[]? Ct = null);

/// <param name="Campaign">Our fundraising campaign the donation went to (a custom property: Meta takes any in custom_data).</param>
/// <param name="Recurring">True for a recurring donation's payments (its first one and, under Meta__RenewalEventName, its renewals).</param>
public sealed record MetaCustomData(decimal? Value, string? Currency, string[]? ContentIds, string? ContentName, int? Percent = null, string? Campaign = null, bool? Recurring = null);

public sealed record MetaResponse(int EventsReceived, string? FbtraceId);

/// <summary>Meta's error body: <c>{"error":{"message","type","code","error_subcode","fbtrace_id"}}</c>.</summary>
public sealed record MetaErrorBody(MetaError? Error);

public sealed record MetaError(string? Message, string? Type, int Code, int? ErrorSubcode, string? ErrorUserMsg);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MetaEventsRequest))]
[JsonSerializable(typeof(MetaResponse))]
[JsonSerializable(typeof(MetaErrorBody))]
internal sealed partial class MetaJson : JsonSerializerContext;
