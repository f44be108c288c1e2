using System.Net;
using System.Net.Http.Headers;

namespace Tracking.Delivery;

internal static class HttpFailures
{
    /// <summary>
    /// Any failure to get an answer (network, timeout, open circuit, a client-side surprise) is treated as
    /// temporary: the entry is rescheduled, never dropped. Only our own shutdown is not.
    /// </summary>
    public static bool IsTransient(Exception ex, CancellationToken stopping) =>
        !(ex is OperationCanceledException && stopping.IsCancellationRequested);

    /// <summary>
    /// What a failure to get an answer was: an open circuit, a timeout, or the network. The client library may wrap
    /// the pipeline's exception (Refit's ApiRequestException), so the whole chain is read.
    /// </summary>
    public static RetryKind KindOf(Exception ex)
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (KindOfOne(current) is { } kind)
            {
                return kind;
            }
        }
        return RetryKind.Network;
    }

    private static RetryKind? KindOfOne(Exception ex) => ex switch
    {
        Polly.CircuitBreaker.BrokenCircuitException => RetryKind.CircuitOpen,
        Polly.Timeout.TimeoutRejectedException or TimeoutException => RetryKind.Timeout,
        // HttpClient's own timeout surfaces as a cancellation wrapping a TimeoutException.
        OperationCanceledException { InnerException: TimeoutException } => RetryKind.Timeout,
        _ => null,
    };

    /// <summary>429 is a rate limit; 408 and 5xx are the server's.</summary>
    public static RetryKind KindOf(HttpStatusCode status) =>
        status == HttpStatusCode.TooManyRequests ? RetryKind.RateLimited : RetryKind.ServerError;

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
