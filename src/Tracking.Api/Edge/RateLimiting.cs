using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Edge;

/// <summary>
/// Per-client token buckets, one policy per kind of caller. A client is its address after trusted proxies (the
/// forwarded-headers middleware runs first): an IPv4 address, or an IPv6 /64 (one subscriber's prefix, so rotating
/// through the addresses of a /64 buys nothing); IPv4-mapped IPv6 counts as IPv4.
/// </summary>
internal static class RateLimiting
{
    /// <summary>Site traffic (<c>/session</c>, <c>/events</c>, <c>/checkout</c>): <c>Tracking:RateLimitPerMinute</c>.</summary>
    public const string PerIp = "per-ip";

    /// <summary>Operator endpoints (<c>/ops/*</c>, <c>/reports/*</c>, <c>/dashboard</c>): <c>Tracking:OpsRateLimitPerMinute</c>.</summary>
    public const string Ops = "ops";

    /// <summary><c>/health/ready</c>: its own bucket, so probes never compete with operators, at the ops limit.</summary>
    public const string Health = "health";

    /// <summary><c>/stripe/webhook</c>: <c>Tracking:WebhookRateLimitPerMinute</c> (Stripe bursts after an outage).</summary>
    public const string Webhook = "webhook";

    public static IServiceCollection AddPerIpRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerIp, new ClientPolicy(PerIp, $"{EdgeOptions.Section}:{nameof(EdgeOptions.RateLimitPerMinute)}", o => o.RateLimitPerMinute));
            limiter.AddPolicy(Ops, new ClientPolicy(Ops, $"{EdgeOptions.Section}:{nameof(EdgeOptions.OpsRateLimitPerMinute)}", o => o.OpsRateLimitPerMinute));
            limiter.AddPolicy(Health, new ClientPolicy(Health, $"{EdgeOptions.Section}:{nameof(EdgeOptions.OpsRateLimitPerMinute)}", o => o.OpsRateLimitPerMinute));
            limiter.AddPolicy(Webhook, new ClientPolicy(Webhook, $"{EdgeOptions.Section}:{nameof(EdgeOptions.WebhookRateLimitPerMinute)}", o => o.WebhookRateLimitPerMinute));
            // The framework answers 503 by default; a client over its budget should get 429 and when to retry.
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        });
        return services;
    }

    /// <summary>The bucket a request's client falls in: IPv4 address, or IPv6 /64 (<c>2001:db8:1:2::/64</c>).</summary>
    public static string ClientBucket(HttpContext http) => ClientBucket(http.Connection.RemoteIpAddress);

    public static string ClientBucket(IPAddress? ip)
    {
        if (ip is null)
        {
            return "unknown";
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            return ip.MapToIPv4().ToString();
        }
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return ip.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>A 429 problem naming the limit, with <c>Retry-After</c> in whole seconds (at least 1).</summary>
    public static ProblemHttpResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string limit, string detail, string? field = null)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var extensions = new Dictionary<string, object?> { ["limit"] = limit };
        if (field is not null)
        {
            extensions["field"] = field;
        }
        return TypedResults.Problem(
            detail: $"{detail} Retry after {seconds} s.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", extensions: extensions);
    }

    private sealed class ClientPolicy(string group, string limitKey, Func<EdgeOptions, int> perMinute) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, token) =>
        {
            var http = context.HttpContext;
            http.RequestServices.GetRequiredService<TrackingMetrics>().RateLimited(group);
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(10);
            var limit = perMinute(http.RequestServices.GetRequiredService<IOptions<EdgeOptions>>().Value);
            var problem = TooManyRequests(http, wait, limitKey,
                $"Over {limitKey}: {limit} requests a minute per client (IPv4 address or IPv6 /64).");
            await problem.ExecuteAsync(http);
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        {
            var limit = perMinute(httpContext.RequestServices.GetRequiredService<IOptions<EdgeOptions>>().Value);
            return RateLimitPartition.GetTokenBucketLimiter(ClientBucket(httpContext), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit,
                TokensPerPeriod = Math.Max(1, limit / 6),
                ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }
}
