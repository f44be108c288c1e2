using Microsoft.AspNetCore.Hosting;

namespace Tracking.Tests.Support;

/// <summary>Runs only where the tests run against a Release build of the service (CI does); reported as skipped otherwise.</summary>
public sealed class ReleaseBuildFactAttribute : FactAttribute
{
    public ReleaseBuildFactAttribute()
    {
        if (!AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
        {
            Skip = "needs a Release build (dotnet test -c Release), where the embedded store is compiled out";
        }
    }
}
