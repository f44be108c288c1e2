using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Tracking.Infrastructure;

namespace Tracking.Edge;

/// <summary>
/// CORS only decides what a page may read; a <c>text/plain</c> POST needs no preflight, so without this a hostile
/// page could make its visitors write events and checkouts. When <c>Tracking:AllowedOrigins</c> is set, a write whose
/// <c>Origin</c> (or, absent that, whose <c>Referer</c>'s origin) is not in the list is refused with 403 before
/// anything is read or stored. <c>Origin: null</c> (sandboxed frames, some redirects) is outside the list. A request
/// with neither header (server to server) passes: browsers send <c>Origin</c> on every cross-origin POST.
/// </summary>
internal sealed class SiteOriginFilter : IEndpointFilter
{
    private readonly HashSet<string> _allowed;

    public SiteOriginFilter(IOptions<EdgeOptions> options) =>
        _allowed = options.Value.AllowedOrigins.Select(o => OriginOf(o, strict: true)).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_allowed.Count == 0)
        {
            return next(context);
        }
        var headers = context.HttpContext.Request.Headers;
        if (headers.Origin.Count > 0)
        {
            return Allowed(headers.Origin, strict: true) ? next(context) : Refuse("Origin");
        }
        if (headers.Referer.Count > 0)
        {
            return Allowed(headers.Referer, strict: false) ? next(context) : Refuse("Referer");
        }
        return next(context);
    }

    private bool Allowed(StringValues values, bool strict) =>
        values.Count == 1 && OriginOf(values[0], strict) is { } origin && _allowed.Contains(origin);

    private static ValueTask<object?> Refuse(string field) => ValueTask.FromResult<object?>(Problems.Status(StatusCodes.Status403Forbidden,
        "Origin not allowed", $"The request's {field} is not one of Tracking:AllowedOrigins; writes are accepted only from the configured sites.", field));

    /// <summary>
    /// <c>scheme://host[:port]</c> (default port left out, host lower-case); null for anything else, <c>null</c>
    /// included. <paramref name="strict"/> (an Origin) also refuses a path, query, fragment or user info.
    /// </summary>
    internal static string? OriginOf(string? value, bool strict)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.HostNameType == UriHostNameType.Unknown)
        {
            return null;
        }
        if (strict && (uri.PathAndQuery != "/" || uri.Fragment.Length > 0))
        {
            return null;
        }
        return uri.GetLeftPart(UriPartial.Authority);
    }
}

internal static class SiteOriginFilterExtensions
{
    /// <summary>Refuses (403) a write from a browser origin outside <c>Tracking:AllowedOrigins</c>; see <see cref="SiteOriginFilter"/>.</summary>
    public static TBuilder RequireSiteOrigin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, SiteOriginFilter>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

    /// <summary>
    /// What every write a visitor's browser makes shares (<c>/events</c>, <c>/signup</c>, <c>/checkout</c>): the per-IP
    /// rate limit, the sites' CORS policy, the origin check, and the problems those and the body reader answer.
    /// </summary>
    public static RouteHandlerBuilder RequireSiteWrite(this RouteHandlerBuilder builder) =>
        builder
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireRateLimiting(RateLimiting.PerIp)
            .RequireCors(Cors.Sites)
            .RequireSiteOrigin();
}
