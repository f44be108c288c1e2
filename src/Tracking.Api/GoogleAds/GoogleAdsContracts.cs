using System.Text.Json.Serialization;
using Refit;

namespace Tracking.GoogleAds;

/// <summary>Google's Data Manager API (<c>google.ads.datamanager.v1.IngestionService</c>) as JSON over HTTP.</summary>
public interface IGoogleAdsApi
{
    [Post("/v1/events:ingest")]
    Task<HttpResponseMessage> IngestAsync([Body] IngestEventsRequest body, CancellationToken cancellationToken);

    [Get("/v1/requestStatus:retrieve")]
    Task<HttpResponseMessage> RequestStatusAsync([AliasAs("requestId")] string requestId, CancellationToken cancellationToken);
}

/// <param name="Encoding">How the hashed identifiers are written: <c>HEX</c> (lower-case hex SHA-256).</param>
public sealed record IngestEventsRequest(IReadOnlyList<DataManagerDestination> Destinations, IReadOnlyList<DataManagerEvent> Events, string Encoding);

/// <param name="ProductDestinationId">The conversion action.</param>
public sealed record DataManagerDestination(ProductAccount OperatingAccount, ProductAccount? LoginAccount, string ProductDestinationId);

/// <param name="AccountType"><c>GOOGLE_ADS</c>.</param>
public sealed record ProductAccount(string AccountType, string AccountId);

/// <param name="EventTimestamp">RFC 3339, UTC.</param>
/// <param name="TransactionId">Our stable id of the conversion, so a resend is not counted twice.</param>
/// <param name="EventSource"><c>WEB</c>.</param>
public sealed record DataManagerEvent(
    string EventTimestamp,
    string TransactionId,
    AdIdentifiers? AdIdentifiers,
    decimal? ConversionValue,
    string? Currency,
    string EventSource,
    UserData? UserData,
    DataManagerConsent Consent);

/// <summary>One of the three click ids (Google takes one per event).</summary>
public sealed record AdIdentifiers(string? Gclid = null, string? Gbraid = null, string? Wbraid = null);

public sealed record UserData(IReadOnlyList<UserIdentifier> UserIdentifiers);

/// <param name="EmailAddress">SHA-256 (hex) of the address normalised as Google specifies.</param>
public sealed record UserIdentifier(string EmailAddress);

/// <param name="AdUserData"><c>CONSENT_GRANTED</c> or <c>CONSENT_DENIED</c>.</param>
public sealed record DataManagerConsent(string AdUserData, string AdPersonalization);

public sealed record IngestEventsResponse(string? RequestId);

/// <summary>What <c>requestStatus:retrieve</c> answers: one status per destination of the request.</summary>
public sealed record RequestStatusResponse(IReadOnlyList<RequestStatusPerDestination>? RequestStatusPerDestination);

/// <param name="RequestStatus"><c>SUCCESS</c>, <c>PROCESSING</c>, <c>FAILED</c>, <c>PARTIAL_SUCCESS</c> or <c>REQUEST_STATUS_UNKNOWN</c>.</param>
public sealed record RequestStatusPerDestination(string? RequestStatus, ErrorInfo? ErrorInfo);

public sealed record ErrorInfo(IReadOnlyList<ErrorCount>? ErrorCounts);

/// <param name="RecordCount">int64, which Google's JSON writes as a string.</param>
public sealed record ErrorCount([property: JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)] long RecordCount, string? Reason);

/// <summary>Google's error body: <c>{"error":{"code","message","status"}}</c>.</summary>
public sealed record GoogleErrorBody(GoogleError? Error);

public sealed record GoogleError(int Code, string? Message, string? Status);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IngestEventsRequest))]
[JsonSerializable(typeof(IngestEventsResponse))]
[JsonSerializable(typeof(RequestStatusResponse))]
[JsonSerializable(typeof(GoogleErrorBody))]
[JsonSerializable(typeof(ServiceAccountKey))]
internal sealed partial class GoogleAdsJson : JsonSerializerContext;
