using Tracking.Delivery;

namespace Tracking.TikTok;

/// <summary>
/// TikTok's non-zero return codes (the body's <c>code</c>, usually under HTTP 200) as outcomes. TikTok groups them
/// by range: 40100 is its rate limit, 40001 and the rest of 401xx are about the app or its access token (an operator
/// must act), 5xxxx are its own failures; any other 4xxxx is about the request's content (a parameter, an event),
/// which the batch split then pins on the event that caused it.
/// </summary>
internal static class TikTokCodes
{
    public const int RateLimited = 40100;

    public const int NoPermission = 40001;

    public static Outcome Classify(int code, string? message)
    {
        var words = $"TikTok code {code}: {message ?? "no message"}";
        return code switch
        {
            RateLimited => new Outcome.Retry(words, RetryKind.RateLimited),
            NoPermission or (> 40100 and < 40200) => new Outcome.Retry(words, RetryKind.Unauthorized),
            >= 50000 => new Outcome.Retry(words, RetryKind.ServerError),
            _ => new Outcome.Dead(words),
        };
    }
}
