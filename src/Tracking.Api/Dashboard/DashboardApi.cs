using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Edge;

namespace Tracking.Dashboard;

/// <summary>One self-contained page (no CDN) over the two report endpoints; it asks for the ops key itself.</summary>
internal static class DashboardApi
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Tracking.Dashboard.dashboard.html")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", Get).WithTags("Reports").WithName("Dashboard").WithSummary("The donations dashboard (HTML).")
            .WithDescription("One self-contained page over /reports; it asks for the ops key itself.")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .RequireRateLimiting(Edge.RateLimiting.Ops).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    internal static ContentHttpResult Get(HttpContext http)
    {
        var headers = http.Response.Headers;
        // Everything the page needs is inline or same-origin; nothing may frame it.
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        return TypedResults.Text(Page.Value, "text/html; charset=utf-8");
    }
}
