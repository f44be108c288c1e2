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
