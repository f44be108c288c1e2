using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Tracking.Tests.Architecture;

/// <summary>
/// Capability folders of src/Tracking.Api (one namespace each) may depend on each other only one way, and only along
/// the edges the table in docs/architecture.md lists: an edge the code has and the table lacks fails (naming the
/// file), and so does a listed edge the code no longer has, so the table cannot drift. The composition root
/// (Program.cs, Features.cs) sits outside every folder and may reference all of them.
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
    public void The_code_has_exactly_the_edges_docs_architecture_lists()
    {
        var actual = Graph(Path.Combine(RepoRoot(), "src", "Tracking.Api"));
        var listed = AllowedEdges(File.ReadAllText(Path.Combine(RepoRoot(), "docs", "architecture.md")));
        var problems = new List<string>();

        foreach (var folder in actual.Keys.Except(listed.Keys).Order(StringComparer.Ordinal))
        {
            problems.Add($"{folder}/ has no row in the table");
        }
        foreach (var folder in listed.Keys.Except(actual.Keys).Order(StringComparer.Ordinal))
        {
            problems.Add($"the table lists {folder}/, which is not a folder of src/Tracking.Api");
        }
        foreach (var (from, to) in actual.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var allowed = listed.GetValueOrDefault(from) ?? [];
            problems.AddRange(to.Keys.Where(t => !allowed.Contains(t)).Order(StringComparer.Ordinal)
                .Select(t => $"{from} -> {t} is not in the table ({to[t]})"));
            problems.AddRange(allowed.Where(t => !to.ContainsKey(t)).Order(StringComparer.Ordinal)
                .Select(t => $"{from} -> {t} is in the table but no file of {from}/ uses {t}"));
        }

        Assert.True(problems.Count == 0, "docs/architecture.md's folder table and the code disagree:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void The_table_reader_takes_each_row_s_folder_and_what_it_depends_on()
    {
        const string Doc = """
            ## Folders and who may use whom

            | folder | what it owns | depends on |
            |---|---|---|
            | `Storage` | Redis | — |
            | `Events` | `POST /events` | `Delivery`, `Storage` |

            ## Scripts

            | not | a | folder |
            """;

        var edges = AllowedEdges(Doc);

        Assert.Equal(["Events", "Storage"], edges.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(edges["Storage"]);
        Assert.Equal(["Delivery", "Storage"], edges["Events"].Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_cycle_finder_finds_a_cycle_and_accepts_a_layered_graph()
    {
        var layered = new Dictionary<string, IReadOnlyCollection<string>> { ["Events"] = ["Delivery", "Storage"], ["Delivery"] = ["Storage"], ["Storage"] = [] };
        var cyclic = new Dictionary<string, IReadOnlyCollection<string>> { ["Events"] = ["Delivery"], ["Delivery"] = ["Meta"], ["Meta"] = ["Events"] };

        Assert.Null(FindCycle(layered));
        Assert.Equal(["Delivery", "Meta", "Events", "Delivery"], FindCycle(cyclic)!.SkipWhile(f => f != "Delivery").Take(4).ToList());
    }

    /// <summary>
    /// The table under the heading "Folders and who may use whom": one row per folder, its first cell the folder in
    /// backticks, its last cell the folders it may use, comma-separated (— for none).
    /// </summary>
    internal static Dictionary<string, HashSet<string>> AllowedEdges(string markdown)
    {
        var section = markdown[markdown.IndexOf("## Folders and who may use whom", StringComparison.Ordinal)..];
        var next = section.IndexOf("\n## ", StringComparison.Ordinal);
        section = next < 0 ? section : section[..next];
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in section.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var folder = cells[0].Trim('`');
            var uses = cells[^1] is "—" or "-" or "" ? [] : cells[^1].Split(',').Select(c => c.Trim().Trim('`'));
            Assert.True(edges.TryAdd(folder, uses.ToHashSet(StringComparer.Ordinal)), $"{folder} has two rows in the table");
        }
        return edges;
    }

    /// <summary>Folder → (folder it references → first file that does so).</summary>
    private static Dictionary<string, Dictionary<string, string>> Graph(string source)
    {
        // Only folders with code: Properties/ (launch settings) is not a capability.
        var folders = Directory.GetDirectories(source)
            .Where(d => Path.GetFileName(d) is not ("bin" or "obj") && Directory.GetFiles(d, "*.cs", SearchOption.AllDirectories).Length > 0)
            .Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)!;
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
