using System.Text.Json.Serialization;
using Refit;

namespace Tracking.TikTok;

/// <summary>TikTok Events API 2.0 (<c>/open_api/v1.3/event/track/</c>). The token travels in a header, never in a logged URL.</summary>
public interface ITikTokEventsApi
{
    [Post("/open_api/v1.3/event/track/")]
    Task<HttpResponseMessage> TrackAsync([Header("Access-Token")] string accessToken, [Body] TikTokTrackRequest body, CancellationToken cancellationToken);
}

public sealed record TikTokTrackRequest(string EventSource, string EventSourceId, string? TestEventCode, IReadOnlyList<TikTokEvent> Data);

public sealed record TikTokEvent(string Event, long EventTime, string EventId, TikTokUser User, TikTokPage? Page, TikTokProperties? Properties);

/// <param name="Email">SHA-256 of the trimmed, lower-case address.</param>
/// <param name="ExternalId">SHA-256 of the trimmed, lower-case visitor id.</param>
public sealed record TikTokUser(string? Ttclid, string? Ttp, string? Email, string? ExternalId, string? Ip, string? UserAgent);

public sealed record TikTokPage(string? Url, string? Referrer);

public sealed record TikTokProperties(decimal? Value, string? Currency, IReadOnlyList<TikTokContent>? Contents, string? ContentType);

public sealed record TikTokContent(string ContentId, string ContentType, string ContentName);

/// <summary>TikTok's answer, HTTP 200 for most errors too: <c>{"code":0,"message":"OK","request_id":"…","data":{}}</c>.</summary>
public sealed record TikTokResponse(int? Code, string? Message, string? RequestId);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TikTokTrackRequest))]
[JsonSerializable(typeof(TikTokResponse))]
internal sealed partial class TikTokJson : JsonSerializerContext;
