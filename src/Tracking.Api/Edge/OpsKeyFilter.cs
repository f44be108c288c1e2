using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Edge;

/// <summary>
/// Requires <c>Authorization: Bearer {Ops:ApiKey}</c>, compared in constant time: the one gate of every operator
/// endpoint (ops, reports, dashboard data), shared here so no capability depends on another for it. A client (IPv4
/// address or IPv6 /64) that presents <see cref="OpsKeyFailures.MaxPerMinute"/> wrong keys within a minute gets 429
/// for every ops request, the right key included, until that minute has passed: guessing runs at 5 keys a minute.
/// Only the guesser is locked: every client has a count of its own.
/// </summary>
internal sealed class OpsKeyFilter(IOptions<OpsOptions> options, OpsKeyFailures failures) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        (object?)await RefusalAsync(context.HttpContext, options.Value, failures) ?? await next(context);

    /// <summary>The problem to answer when the request lacks the ops key (null: let it through); for non-endpoint pipelines too.</summary>
    public static Task<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult?> RefusalAsync(HttpContext http) =>
        RefusalAsync(http, http.RequestServices.GetRequiredService<IOptions<OpsOptions>>().Value, http.RequestServices.GetRequiredService<OpsKeyFailures>());

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult?> RefusalAsync(HttpContext http, OpsOptions options, OpsKeyFailures failures)
    {
        var key = options.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Ops endpoints disabled", "Set Ops:ApiKey to enable ops and report endpoints.");
        }
        var client = RateLimiting.ClientBucket(http);
        if (await failures.LockedForAsync(client) is { } wait)
        {
            return RateLimiting.TooManyRequests(http, wait, OpsKeyFailures.Limit,
                $"{OpsKeyFailures.MaxPerMinute} wrong ops keys within a minute from this client: every ops request is refused until the minute has passed.",
                "Authorization");
        }
        var header = http.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        var given = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : "";
        // Hashing first makes the comparison constant-time whatever the lengths.
        var match = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (!match)
        {
            // A missing key guesses nothing (the dashboard asks before it has one); only a presented wrong key counts.
            if (given.Length > 0)
            {
                await failures.FailAsync(client);
            }
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized", "A valid ops key is required: Authorization: Bearer {key}.", "Authorization");
        }
        return null;
    }
}

/// <summary>
/// Wrong ops keys per client, in a one-minute window opened by the client's first failure: a budget in Redis
/// (<see cref="ClientBudgets"/>), so every replica counts toward one lockout and a client's count is its own,
/// however many others fail. Memory: one small key per client that sent a wrong key within the last minute, each
/// gone a minute after that client's first failure. While Redis is unreachable nothing is counted or locked (the
/// key is still required, and <c>Tracking:OpsRateLimitPerMinute</c> still bounds each client): the operator can
/// still reach <c>/metrics</c> during the outage it must see.
/// </summary>
internal sealed partial class OpsKeyFailures(ClientBudgets budgets, ILogger<OpsKeyFailures> logger)
{
    public const int MaxPerMinute = 5;
    public const string Limit = "ops key failures (5 a minute per client)";
    internal static readonly ClientBudget Budget = new("ops-key-failures", MaxPerMinute, TimeSpan.FromMinutes(1), Limit);

    /// <summary>How long <paramref name="client"/> stays locked out; null when it is not.</summary>
    public async Task<TimeSpan?> LockedForAsync(string client)
    {
        try
        {
            var answer = await budgets.PeekAsync(Budget, client);
            return answer.Spent ? answer.RetryAfter : null;
        }
        catch (Exception e) when (StoreUnavailableHandler.IsStoreFailure(e))
        {
            Log.NotCounted(logger, e.GetType().Name);
            return null;
        }
    }

    public async Task FailAsync(string client)
    {
        try
        {
            await budgets.TakeAsync(Budget, client);
        }
        catch (Exception e) when (StoreUnavailableHandler.IsStoreFailure(e))
        {
            Log.NotCounted(logger, e.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable ({Kind}): wrong ops keys are neither counted nor locked out meanwhile")]
        public static partial void NotCounted(ILogger logger, string kind);
    }
}

internal static class OpsKeyFilterExtensions
{
    /// <summary>
    /// Puts the endpoints behind the ops key and the ops rate limit, and documents the 401, 404 and 429 they answer.
    /// </summary>
    public static TBuilder RequireOpsKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, OpsKeyFilter>()
            .WithMetadata(new OpsKeyRequired())
            .RequireRateLimiting(RateLimiting.Ops)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
