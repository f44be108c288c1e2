using Microsoft.AspNetCore.Hosting;
using Tracking.Tests.Support;

namespace Tracking.Tests.Storage;

/// <summary>The production build carries no embedded store: no Garnet or Azure assembly, and no silent fallback to one.</summary>
public sealed class ReleaseBuildTests
{
    [ReleaseBuildFact]
    public void The_release_build_references_no_garnet_or_azure_assembly()
    {
        var referenced = typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(referenced, n => n.StartsWith("Garnet", StringComparison.Ordinal) || n.StartsWith("Azure", StringComparison.Ordinal));
        // What publish copies is what the service's deps.json lists.
        var deps = File.ReadAllText(Path.Combine(Path.GetDirectoryName(typeof(Program).Assembly.Location)!, "Tracking.Api.deps.json"));
        Assert.DoesNotContain("Microsoft.Garnet", deps, StringComparison.Ordinal);
        Assert.DoesNotContain("Azure.Core", deps, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.Identity.Client", deps, StringComparison.Ordinal);
    }

    [ReleaseBuildFact]
    public void Without_a_connection_string_the_release_build_refuses_to_start_naming_the_key()
    {
        using var app = new TrackingApp(new() { ["Redis:ConnectionString"] = "" });
        // The host, and any background service that raced it to the store, log the refusal.
        app.ExpectErrors(r => r.Message == StartUp.HostFailed || (r.Exception?.ToString().Contains("Redis:ConnectionString is required", StringComparison.Ordinal) ?? false),
            "the host refuses to start on purpose: no store is configured");
        Assert.Contains("Redis:ConnectionString is required", StartUp.RefusalMessages(app), StringComparison.Ordinal);
    }
}
