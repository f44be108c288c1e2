using Microsoft.AspNetCore.Diagnostics;
using StackExchange.Redis;

namespace Tracking.Infrastructure;

/// <summary>
/// Redis down or timing out is an outage, not a bug: answer 503 problem with Retry-After quickly, so clients retry
/// and nothing is acknowledged that was not stored. Everything else falls through to the generic 500 problem.
/// </summary>
internal sealed partial class StoreUnavailableHandler(IProblemDetailsService problems, ILogger<StoreUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsStoreFailure(exception))
        {
            return false;
        }
        Log.StoreUnavailable(logger, exception.GetType().Name);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = 503, Title = "Store unavailable", Detail = "The event store is unavailable; nothing was recorded. Retry shortly." },
        });
    }

    /// <summary>
    /// Redis errors, and the socket errors StackExchange.Redis lets through for commands in flight when the
    /// connection drops (e.g. Pipelines.Sockets.Unofficial.ConnectionResetException), anywhere in the chain.
    /// </summary>
    internal static bool IsStoreFailure(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is RedisException or RedisTimeoutException or System.Net.Sockets.SocketException or IOException
                || e.GetType().Namespace?.StartsWith("Pipelines.Sockets", StringComparison.Ordinal) == true)
            {
                return true;
            }
        }
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Redis unavailable ({Kind}); answered 503")]
        public static partial void StoreUnavailable(ILogger logger, string kind);
    }
}
