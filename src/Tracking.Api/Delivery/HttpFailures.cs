using System.Net;
using System.Net.Http.Headers;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Tracking.Delivery;

internal static class HttpFailures
{
    /// <summary>Network errors, timeouts and an open circuit: the destination may be fine later.</summary>
    public static bool IsTransient(Exception ex, CancellationToken stopping) =>
        ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or Refit.ApiException or System.Text.Json.JsonException
        || (ex is OperationCanceledException && !stopping.IsCancellationRequested);

    public static bool IsRetryableStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    public static TimeSpan? RetryAfter(HttpResponseHeaders headers)
    {
        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }
        return retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }
}
