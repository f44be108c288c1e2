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
        if (http.RequestAborted.IsCancellationRequested || IsClientDisconnect(exception))
        {
            // The visitor left mid-request (closed tab, lost network): nothing to answer and nothing is wrong here.
            Log.ClientGone(logger, exception);
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return true;
        }
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
        if (IsClientDisconnect(exception))
        {
            return false;
        }
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is RedisException or RedisTimeoutException or System.Net.Sockets.SocketException or IOException
                || e.GetType().Namespace?.StartsWith("Pipelines.Sockets", StringComparison.Ordinal) == true
                || IsFromStoreClient(e) || IsCancelledByLibrary(e))
            {
                return true;
            }
        }
        return false;
    }

    // A connection dropped mid-write surfaces from the client's pipe as "InvalidOperationException: Writing is not
    // allowed after writer was completed": an outage like any other, thrown by the Redis client's own code. The HTTP
    // server writes and reads through System.IO.Pipelines too: its pipe errors (Kestrel's frames, or the in-memory
    // test server's, on the stack) are not the store's, and stay 500s.
    private static bool IsFromStoreClient(Exception e) =>
        e is InvalidOperationException or ObjectDisposedException
        && (e.Source is "StackExchange.Redis" or "Pipelines.Sockets.Unofficial"
            || e.StackTrace?.Contains("StackExchange.Redis.", StringComparison.Ordinal) == true
            || (e.Source is "System.IO.Pipelines" && !FromHttpServer(e)));

    // StackExchange.Redis cancels the tasks of commands in flight on a connection it tears down (a SIGKILLed server,
    // seen under load): a TaskCanceledException carrying no token. Every cancellation of ours carries the token that
    // caused it (the client leaving, a Stripe timeout), so a tokenless one on the request path is the store's.
    private static bool IsCancelledByLibrary(Exception e) =>
        e is OperationCanceledException { CancellationToken.CanBeCanceled: false };

    private static bool FromHttpServer(Exception e) =>
        e.StackTrace is { } stack
        && (stack.Contains("Microsoft.AspNetCore.Server.", StringComparison.Ordinal) || stack.Contains("Microsoft.AspNetCore.TestHost.", StringComparison.Ordinal));

    /// <summary>
    /// Kestrel's own I/O errors (a client resetting the connection mid-body, a body that cannot be read) are
    /// IOExceptions too, but they say nothing about Redis.
    /// </summary>
    internal static bool IsClientDisconnect(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException or Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
            {
                return true;
            }
        }
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Client disconnected mid-request")]
        public static partial void ClientGone(ILogger logger, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Redis unavailable ({Kind}); answered 503")]
        public static partial void StoreUnavailable(ILogger logger, string kind);
    }
}
