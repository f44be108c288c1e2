using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Tests.Infrastructure;

namespace Tracking.Tests.Api;

/// <summary>openapi.yaml and the running service describe the same routes and methods.</summary>
public sealed partial class OpenApiContractTests
{
    [Fact]
    public void Every_mapped_route_is_in_openapi_yaml_and_the_reverse()
    {
        using var app = new TrackingApp();
        _ = app.CreateClient();
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalize(e.RoutePattern.RawText!)}"))
            .ToHashSet();

        var documented = Documented(File.ReadAllText(FindRepoFile("openapi.yaml"))).ToHashSet();

        Assert.Empty(mapped.Except(documented));
        Assert.Empty(documented.Except(mapped));
    }

    private static IEnumerable<string> Documented(string yaml)
    {
        string? path = null;
        foreach (var line in yaml.Split('\n'))
        {
            var p = PathLine().Match(line);
            if (p.Success)
            {
                path = p.Groups[1].Value;
                continue;
            }
            if (!line.StartsWith("  ", StringComparison.Ordinal) && line.Length > 0)
            {
                path = null;
            }
            var m = MethodLine().Match(line);
            if (path is not null && m.Success)
            {
                yield return $"{m.Groups[1].Value.ToUpperInvariant()} {Normalize(path)}";
            }
        }
    }

    private static string Normalize(string route) => "/" + route.Trim('/');

    internal static string FindRepoFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(name);
    }

    [GeneratedRegex(@"^  (/[^:]*):\s*$")]
    private static partial Regex PathLine();

    [GeneratedRegex(@"^    (get|post|put|delete|patch):\s*$")]
    private static partial Regex MethodLine();
}
