using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Tracking.Edge;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// With no <c>Tracking:AllowedOrigins</c> any page could make its visitors write events and checkouts, so Production
/// refuses to start without them unless <c>Tracking:AllowAnyOrigin=true</c> says that is meant.
/// </summary>
public sealed class ProductionOriginTests
{
    private static readonly Dictionary<string, string?> NoOrigins = new() { ["Tracking:AllowedOrigins:0"] = null };

    [Fact]
    public void Production_without_allowed_origins_refuses_to_start_naming_both_keys()
    {
        using var app = new TrackingApp(NoOrigins);
        using var production = app.WithWebHostBuilder(b => b.UseEnvironment(Environments.Production));
        app.ExpectErrors(r => r.Category == "Microsoft.Extensions.Hosting.Internal.Host" && r.Message == StartUp.HostFailed,
            "the missing origins must stop start-up, and the host logs that it did");

        var error = Record.Exception(() => production.CreateClient());

        Assert.NotNull(error);
        var messages = string.Join(" | ", StartUp.Flatten(error).Concat(app.Logs.GetSnapshot().Where(r => r.Exception is not null).SelectMany(r => StartUp.Flatten(r.Exception!))).Select(e => e.Message));
        Assert.Contains("Tracking:AllowedOrigins is required in Production", messages, StringComparison.Ordinal);
        Assert.Contains("Tracking:AllowAnyOrigin", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_starts_with_origins_or_with_any_origin_allowed_on_purpose()
    {
        using var withOrigins = new TrackingApp();
        using var anyOrigin = new TrackingApp(new(NoOrigins) { ["Tracking:AllowAnyOrigin"] = "true" });

        foreach (var app in new[] { withOrigins, anyOrigin })
        {
            using var production = app.WithWebHostBuilder(b => b.UseEnvironment(Environments.Production));
            Assert.Equal(System.Net.HttpStatusCode.OK, (await production.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public void Other_environments_keep_starting_without_origins()
    {
        Assert.True(new EdgeOptionsValidator(Environments.Development).Validate(null, new EdgeOptions()).Succeeded);
        Assert.False(new EdgeOptionsValidator(Environments.Production).Validate(null, new EdgeOptions()).Succeeded);
        Assert.True(new EdgeOptionsValidator(Environments.Production).Validate(null, new EdgeOptions { AllowAnyOrigin = true }).Succeeded);
    }
}
