using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Storage;

/// <summary>
/// Without Redis:ConnectionString the service starts only in a Debug build (embedded store compiled in) run as
/// Development (`dotnet run`); anywhere else it would answer 202 while nothing survives a restart. The suite runs a
/// Release build, where the embedded store does not exist, so the decision is checked here for both kinds of build.
/// </summary>
public sealed class FailClosedStorageTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    [InlineData("")]
    public void A_build_with_the_embedded_store_refuses_it_outside_development(string environment)
    {
        var result = new RedisOptionsValidator(environment, embeddedStore: true).Validate(null, new RedisOptions());

        Assert.True(result.Failed);
        Assert.Contains("Redis:ConnectionString is required outside the Development environment", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Dotnet_run_in_development_keeps_the_zero_setup_embedded_store()
    {
        Assert.True(new RedisOptionsValidator("Development", embeddedStore: true).Validate(null, new RedisOptions()).Succeeded);
        // A build without it refuses even in Development, and any environment takes a real connection string.
        Assert.Contains("Redis:ConnectionString is required", new RedisOptionsValidator("Development", embeddedStore: false).Validate(null, new RedisOptions()).FailureMessage, StringComparison.Ordinal);
        Assert.True(new RedisOptionsValidator("Production", embeddedStore: true).Validate(null, new RedisOptions { ConnectionString = "redis:6379" }).Succeeded);
    }

    [Fact]
    public void Dotnet_run_starts_as_development()
    {
        var path = Path.Combine(RepoFiles.Root, "src", "Tracking.Api", "Properties", "launchSettings.json");
        using var settings = JsonDocument.Parse(File.ReadAllText(path));

        // `dotnet run` uses the first profile whose commandName is Project.
        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject().First(p => p.Value.GetProperty("commandName").GetString() == "Project");
        Assert.Equal("Development", profile.Value.GetProperty("environmentVariables").GetProperty("ASPNETCORE_ENVIRONMENT").GetString());
    }
}
