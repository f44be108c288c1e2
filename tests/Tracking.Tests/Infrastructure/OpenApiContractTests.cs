using System.Net;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Infrastructure;
using Tracking.Tests.Support;
using Xunit.Abstractions;

namespace Tracking.Tests.Infrastructure;

/// <summary>openapi.yaml is the document the service generates from its endpoints, and it documents every route.</summary>
public sealed class OpenApiContractTests(ITestOutputHelper output)
{
    private const string Regenerate = "UPDATE_OPENAPI=1 dotnet test tests/Tracking.Tests -c Release --filter OpenApi";

    [Fact]
    public async Task Openapi_yaml_is_the_document_the_code_generates()
    {
        var generated = await GenerateAsync();
        // Generated again by a second host: the document must not depend on anything but the code.
        Assert.Equal(generated, await GenerateAsync());

        var path = Path.Combine(RepoFiles.Root, "openapi.yaml");
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, generated);
            // Shown with --logger "console;verbosity=detailed"; git diff shows what changed.
            output.WriteLine($"UPDATE_OPENAPI=1: wrote the generated document to {path}");
            return;
        }
        var committed = File.Exists(path) ? Normalize(await File.ReadAllTextAsync(path)) : "";
        if (committed != generated)
        {
            Assert.Fail($"openapi.yaml differs from the document the code generates ({FirstDifference(committed, generated)}). " +
                $"If the change is intended, regenerate it with: {Regenerate}");
        }
    }

    [Fact]
    public async Task Every_mapped_route_is_in_the_document_and_the_reverse()
    {
        using var app = new TrackingApp();
        _ = app.CreateClient();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var excluded = endpoints.Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription == true).ToList();
        var mapped = endpoints.Except(excluded)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Route(e.RoutePattern.RawText!)}"))
            .ToHashSet();

        var document = await app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1").GetOpenApiDocumentAsync();
        var documented = document.Paths
            .SelectMany(p => (p.Value.Operations ?? []).Keys.Select(m => $"{m.Method} {Route(p.Key)}"))
            .ToHashSet();

        Assert.Empty(mapped.Except(documented));
        Assert.Empty(documented.Except(mapped));
        // Only the document's own route is left out of it.
        Assert.Equal([OpenApiSetup.Route], excluded.Select(e => Route(e.RoutePattern.RawText!)));
    }

    [Fact]
    public async Task The_document_is_public()
    {
        using var app = new TrackingApp(new() { ["Ops:ApiKey"] = "secret-ops-key-0123456789abcdef0123" });
        var response = await app.CreateClient().GetAsync(OpenApiSetup.Route);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("secret-ops-key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> GenerateAsync()
    {
        using var app = new TrackingApp();
        var response = await app.CreateClient().GetAsync(OpenApiSetup.Route);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Normalize(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Line endings only: LF, and one at the end.</summary>
    private static string Normalize(string yaml) => yaml.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    private static string FirstDifference(string committed, string generated)
    {
        var a = committed.Split('\n');
        var b = generated.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end of file>";
            var right = i < b.Length ? b[i] : "<end of file>";
            if (left != right)
            {
                return $"first at line {i + 1}: committed '{left.Trim()}', generated '{right.Trim()}'";
            }
        }
        return "no line differs";
    }

    private static string Route(string route) => "/" + route.Trim('/');
}
