using System.Collections.Concurrent;
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
/// </summary>
internal sealed class OpsKeyFilter(IOptions<OpsOptions> options, OpsKeyFailures failures) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        (object?)Refusal(context.HttpContext, options.Value, failures) ?? await next(context);

    /// <summary>The problem to answer when the request lacks the ops key (null: let it through); for non-endpoint pipelines too.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Refusal(HttpContext http) =>
        Refusal(http, http.RequestServices.GetRequiredService<IOptions<OpsOptions>>().Value, http.RequestServices.GetRequiredService<OpsKeyFailures>());

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Refusal(HttpContext http, OpsOptions options, OpsKeyFailures failures)
    {
        var key = options.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Ops endpoints disabled", "Set Ops:ApiKey to enable ops and report endpoints.");
        }
        var client = RateLimiting.ClientBucket(http);
        if (failures.LockedFor(client) is { } wait)
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
                failures.Fail(client);
            }
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized", "A valid ops key is required: Authorization: Bearer {key}.", "Authorization");
        }
        return null;
    }
}

/// <summary>
/// Wrong ops keys per client, in a one-minute window opened by the client's first failure. In memory, per replica
/// (nothing a refused request does reaches Redis). At most <see cref="MaxTracked"/> clients are tracked: past that,
/// expired windows are swept and, if still full, new clients share one overflow window (so a flood of fresh
/// addresses locks itself out rather than growing memory).
/// </summary>
internal sealed class OpsKeyFailures(TimeProvider clock)
{
    public const int MaxPerMinute = 5;
    public const int MaxTracked = 10_000;
    public const string Limit = "ops key failures (5 a minute per client)";
    private const string Overflow = "(overflow)";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Counter> _clients = new(StringComparer.Ordinal);
    private long _lastSweepTicks;

    /// <summary>How long <paramref name="client"/> stays locked out; null when it is not.</summary>
    public TimeSpan? LockedFor(string client)
    {
        if (!_clients.TryGetValue(client, out var counter) && (_clients.Count < MaxTracked || !_clients.TryGetValue(Overflow, out counter)))
        {
            return null;
        }
        var now = clock.GetUtcNow();
        lock (counter)
        {
            var end = counter.Start + Window;
            return counter.Count >= MaxPerMinute && now < end ? end - now : null;
        }
    }

    public void Fail(string client)
    {
        var now = clock.GetUtcNow();
        if (!_clients.ContainsKey(client) && _clients.Count >= MaxTracked)
        {
            // At most one sweep a second, so a flood of new clients cannot make every request walk the table.
            var last = Interlocked.Read(ref _lastSweepTicks);
            if (now.UtcTicks - last >= TimeSpan.TicksPerSecond && Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) == last)
            {
                Sweep(now);
            }
            if (_clients.Count >= MaxTracked)
            {
                client = Overflow;
            }
        }
        var counter = _clients.GetOrAdd(client, _ => new Counter { Start = now });
        lock (counter)
        {
            if (now >= counter.Start + Window)
            {
                counter.Start = now;
                counter.Count = 0;
            }
            counter.Count++;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (name, counter) in _clients)
        {
            lock (counter)
            {
                if (now >= counter.Start + Window)
                {
                    _clients.TryRemove(name, out _);
                }
            }
        }
    }

    private sealed class Counter
    {
        public DateTimeOffset Start;
        public int Count;
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
