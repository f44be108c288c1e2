using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Tracking.Infrastructure;

/// <summary>
/// An enum's names on the wire (query strings, configuration, JSON): <c>[JsonStringEnumMemberName]</c> when set,
/// else the member name in snake_case. Only those names parse: numbers and unknown names are refused.
/// </summary>
internal static class WireName<T>
    where T : struct, Enum
{
    private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(v => v, NameOf);
    private static readonly Dictionary<string, T> Values = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> All => Names.Values;

    public static string Of(T value) => Names[value];

    public static bool TryParse(string? text, out T value) => Values.TryGetValue(text ?? "", out value);

    /// <summary>"a, b or c": for error messages.</summary>
    public static string Choices() =>
        All.Count == 1 ? All.First() : string.Join(", ", All.Take(All.Count - 1)) + " or " + All.Last();

    private static string NameOf(T value)
    {
        var member = typeof(T).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static)!;
        return member.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? string.Concat(member.Name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
    }
}

/// <summary>Lets the configuration binder read an enum by its wire name (e.g. <c>Tracking:ConsentMode=opt-in</c>).</summary>
internal sealed class WireNameConverter<T> : EnumConverter
    where T : struct, Enum
{
    public WireNameConverter()
        : base(typeof(T))
    {
    }

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text && WireName<T>.TryParse(text.Trim(), out var parsed)
            ? parsed
            : throw new FormatException($"'{value}' is not one of {WireName<T>.Choices()}.");
}
