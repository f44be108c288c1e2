using StackExchange.Redis;

namespace Tracking.Storage;

/// <summary>
/// A script's answer: a flat name/value array (<c>{'status', S.Stored, 'accepted', 3}</c>), read by name. Each gateway
/// turns it into its own record or enum in one place; no caller sees a position.
/// </summary>
internal readonly struct ScriptResult
{
    private readonly Dictionary<string, RedisResult> _values;

    private ScriptResult(Dictionary<string, RedisResult> values) => _values = values;

    public static ScriptResult From(RedisResult result) => new(result.ToDictionary(StringComparer.Ordinal));

    /// <summary>The answer's <c>status</c>: one of <typeparamref name="TStatus"/>'s names (the script's <c>S</c> table).</summary>
    public TStatus Status<TStatus>()
        where TStatus : struct, Enum => Enum.Parse<TStatus>(String("status"), ignoreCase: false);

    public long Long(string name) => _values.TryGetValue(name, out var value) ? (long)value : 0;

    public string String(string name) => _values.TryGetValue(name, out var value) ? (string?)value ?? "" : "";

    /// <summary>A column of a script's answer (lease.lua: one value per leased id), empty when absent.</summary>
    public RedisResult[] Array(string name) => _values.TryGetValue(name, out var value) ? (RedisResult[])value! : [];

    /// <summary>Each element of a script's array of records, read by name.</summary>
    public static IEnumerable<ScriptResult> Each(RedisResult result) => ((RedisResult[])result!).Select(From);
}
