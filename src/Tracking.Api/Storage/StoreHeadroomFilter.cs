using System.Globalization;

namespace Tracking.Storage;

/// <summary>
/// Refuses a browser write (503 with <c>Retry-After</c>, naming the limit) while <see cref="StoreHeadroom"/> says
/// Redis is at <c>Redis:BrowserWriteLimitPercent</c> of <c>maxmemory</c>: what is left is kept for payments.
/// </summary>
internal sealed class StoreHeadroomFilter(StoreHeadroom headroom) : IEndpointFilter
{
    public const string Limit = RedisOptions.Section + ":" + nameof(RedisOptions.BrowserWriteLimitPercent);

    // Memory frees only as sessions expire or the operator adds room: a quick retry would find it still full.
    private const int RetryAfterSeconds = 30;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (headroom.BrowserWritesAllowed)
        {
            return next(context);
        }
        context.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return ValueTask.FromResult<object?>(TypedResults.Problem(
            title: "Store nearly full",
            detail: $"Redis is at {Limit} ({headroom.LimitPercent}%) of its maxmemory: browser writes are paused so payments can still be recorded; nothing was stored. Retry after {RetryAfterSeconds} s.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            extensions: new Dictionary<string, object?> { ["limit"] = Limit }));
    }
}

internal static class StoreHeadroomFilterExtensions
{
    /// <summary>A browser write: refused with 503 while Redis is near full (see <see cref="StoreHeadroomFilter"/>).</summary>
    public static TBuilder RequireStoreHeadroom<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, StoreHeadroomFilter>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
