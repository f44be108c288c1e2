namespace Tracking.Tests.Support;

/// <summary>Files of the checkout the tests read (openapi.yaml, the demo site, docs): found by walking up from the test binaries.</summary>
public static class RepoFiles
{
    /// <summary>The checkout's root: the folder holding Tracking.sln.</summary>
    public static string Root => Path.GetDirectoryName(Find("Tracking.sln"))!;

    /// <summary>The first <paramref name="name"/> (a path relative to the checkout) found in the test binaries' folder or above.</summary>
    public static string Find(string name)
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
}
