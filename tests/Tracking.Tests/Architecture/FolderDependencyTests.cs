using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Tracking.Tests.Architecture;

/// <summary>
/// Capability folders of src/Tracking.Api (one namespace each) may depend on each other only one way: a cycle
/// between two folders fails this test, naming the files that close it. The composition root (Program.cs,
/// Features.cs) sits outside every folder and may reference all of them.
/// </summary>
public sealed partial class FolderDependencyTests(ITestOutputHelper output)
{
    [Fact]
    public void No_two_capability_folders_depend_on_each_other()
    {
        var graph = Graph(Path.Combine(RepoRoot(), "src", "Tracking.Api"));
        foreach (var (from, to) in graph.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} -> {string.Join(", ", to.Keys.Order(StringComparer.Ordinal))}");
        }

        var cycle = FindCycle(graph.ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)g.Value.Keys, StringComparer.Ordinal));

        Assert.True(cycle is null, cycle is null ? "" : "Folder cycle: " + string.Join(" -> ", cycle) + "\n" + Because(graph, cycle));
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_and_accepts_a_layered_graph()
    {
        var layered = new Dictionary<string, IReadOnlyCollection<string>> { ["Events"] = ["Delivery", "Storage"], ["Delivery"] = ["Storage"], ["Storage"] = [] };
        var cyclic = new Dictionary<string, IReadOnlyCollection<string>> { ["Events"] = ["Delivery"], ["Delivery"] = ["Meta"], ["Meta"] = ["Events"] };

        Assert.Null(FindCycle(layered));
        Assert.Equal(["Delivery", "Meta", "Events", "Delivery"], FindCycle(cyclic)!.SkipWhile(f => f != "Delivery").Take(4).ToList());
    }

    /// <summary>Folder → (folder it references → first file that does so).</summary>
    private static Dictionary<string, Dictionary<string, string>> Graph(string source)
    {
        var folders = Directory.GetDirectories(source).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal)!;
        var graph = folders.ToDictionary(f => f!, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var file in Directory.GetFiles(Path.Combine(source, folder!), "*.cs", SearchOption.AllDirectories))
            {
                var code = Comments().Replace(File.ReadAllText(file), "");
                foreach (var other in folders.Where(o => o != folder))
                {
                    // `using Tracking.X;`, `Tracking.X.Type`, or `X.Type` resolved from inside namespace Tracking.*.
                    if (Regex.IsMatch(code, $@"(\bTracking\.{other}\b)|((?<![\w.]){other}\.[A-Z])"))
                    {
                        graph[folder!].TryAdd(other!, Path.GetRelativePath(source, file));
                    }
                }
            }
        }
        return graph;
    }

    internal static List<string>? FindCycle(IReadOnlyDictionary<string, IReadOnlyCollection<string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the path, 2 = done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return [.. path.SkipWhile(n => n != next), next];
                }
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found)
                {
                    return found;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle)
            {
                return cycle;
            }
        }
        return null;
    }

    private static string Because(Dictionary<string, Dictionary<string, string>> graph, List<string> cycle) =>
        string.Join("\n", cycle.Zip(cycle.Skip(1), (a, b) => $"  {a} -> {b}: {graph[a][b]}"));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracking.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Tracking.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();
}
