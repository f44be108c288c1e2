using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tracking.Infrastructure;

/// <summary>
/// Requires <c>Authorization: Bearer {Ops:ApiKey}</c>, compared in constant time: the one gate of every operator
/// endpoint (ops, reports, dashboard data), shared here so no capability depends on another for it.
/// </summary>
internal sealed class OpsKeyFilter(IOptions<OpsOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        (object?)Refusal(context.HttpContext, options.Value) ?? await next(context);

    /// <summary>The problem to answer when the request lacks the ops key (null: let it through); for non-endpoint pipelines too.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Refusal(HttpContext http) => Refusal(http, http.RequestServices.GetRequiredService<IOptions<OpsOptions>>().Value);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Refusal(HttpContext http, OpsOptions options)
    {
        var key = options.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "Ops endpoints disabled", "Set Ops:ApiKey to enable ops and report endpoints.");
        }
        var header = http.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        var given = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : "";
        // Hashing first makes the comparison constant-time whatever the lengths.
        var match = CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        if (!match)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized", "A valid ops key is required: Authorization: Bearer {key}.", "Authorization");
        }
        return null;
    }
}

/// <summary>Marks endpoints behind <see cref="OpsKeyFilter"/> (the OpenAPI document gives them the bearer scheme).</summary>
internal sealed class OpsKeyRequired;

internal static class OpsKeyFilterExtensions
{
    /// <summary>Puts the endpoints behind the ops key, and documents it with the 401 and 404 the filter answers.</summary>
    public static TBuilder RequireOpsKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, OpsKeyFilter>()
            .WithMetadata(new OpsKeyRequired())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
}
