using Tracking.Tests.Support;
using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Tracking.Tests.Architecture;

/// <summary>
/// docs/configuration.md is the one page listing every configuration key. Keys are found by reflection: every options
/// class of the service declares <c>public const string Section</c> and is bound from that section, so each settable
/// property is a key <c>Section__Property</c> (a list adds <c>__N</c>, a dictionary of objects
/// <c>__{name}__Property</c>). A key the code binds but the page does not list fails, and so does a listed key the code
/// no longer binds.
/// </summary>
public sealed partial class ConfigurationDocTests
{
    /// <summary>Keys read straight from IConfiguration or by libraries, not through an options class.</summary>
    private static readonly string[] DirectKeys = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"];

    [Fact]
    public void Every_bound_key_is_listed_once_in_docs_configuration()
    {
        var documented = DocumentedKeys();
        var bound = BoundKeys().Concat(DirectKeys).ToList();

        var missing = bound.Where(k => !documented.Contains(k)).ToList();
        var twice = documented.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var stale = documented.Where(k => !bound.Contains(k, StringComparer.Ordinal)).Distinct().ToList();

        Assert.True(missing.Count == 0, "Bound but not in docs/configuration.md: " + string.Join(", ", missing));
        Assert.True(twice.Count == 0, "Listed more than once in docs/configuration.md: " + string.Join(", ", twice));
        Assert.True(stale.Count == 0, "In docs/configuration.md but bound by no options class: " + string.Join(", ", stale));
    }

    [Fact]
    public void Reflection_finds_the_options_sections()
    {
        var keys = BoundKeys().ToList();

        Assert.Contains("Redis__ConnectionString", keys);
        Assert.Contains("Tracking__AllowedOrigins__N", keys);
        Assert.Contains("Donations__Limits__{currency}__Max", keys);
        Assert.DoesNotContain("Meta__Enabled", keys);
    }

    private static IEnumerable<string> BoundKeys()
    {
        var options = typeof(Program).Assembly.GetTypes()
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Section is { IsLiteral: true } && x.Section.FieldType == typeof(string));
        foreach (var (type, section) in options)
        {
            foreach (var key in Keys((string)section!.GetRawConstantValue()!, type))
            {
                yield return key;
            }
        }
    }

    private static IEnumerable<string> Keys(string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true))
        {
            var key = $"{prefix}__{property.Name}";
            var t = property.PropertyType;
            if (IsScalar(t))
            {
                yield return key;
            }
            else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>) && !IsScalar(t.GetGenericArguments()[1]))
            {
                // A dictionary of objects is keyed by a name the operator picks; Donations' limits are keyed by currency.
                foreach (var inner in Keys($"{key}__{{currency}}", t.GetGenericArguments()[1]))
                {
                    yield return inner;
                }
            }
            else if (typeof(IEnumerable).IsAssignableFrom(t))
            {
                yield return key + "__N";
            }
            else
            {
                foreach (var inner in Keys(key, t))
                {
                    yield return inner;
                }
            }
        }
    }

    private static bool IsScalar(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri);
    }

    /// <summary>The first cell of every table row of docs/configuration.md, when it is one key in backquotes.</summary>
    private static List<string> DocumentedKeys()
    {
        var path = Path.Combine(Path.GetDirectoryName(RepoFiles.Find("Tracking.sln"))!, "docs", "configuration.md");
        return File.ReadLines(path).Select(l => KeyCell().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
    }

    [GeneratedRegex(@"^\|\s*`([A-Za-z_][A-Za-z0-9_{}]*)`\s*\|")]
    private static partial Regex KeyCell();
}
