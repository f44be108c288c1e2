using StackExchange.Redis;

namespace Tracking.Storage;

/// <summary>
/// Builds the KEYS and ARGV of one call in the order its <see cref="ScriptLayout"/> declares, checking every name,
/// so a gateway and its script can never disagree on positions.
/// </summary>
internal sealed class ScriptCall
{
    private readonly ScriptLayout _layout;
    private readonly RedisKey[] _keys;
    private readonly List<RedisValue> _args;
    private int _key;
    private int _list = -1;
    private int _field;
    private int _countAt = -1;

    public ScriptCall(ScriptLayout layout, int capacity = 16)
    {
        _layout = layout;
        _keys = new RedisKey[layout.Keys.Length];
        _args = new List<RedisValue>(capacity);
    }

    public ScriptCall Key(string name, RedisKey key)
    {
        Expect(_key < _layout.Keys.Length ? _layout.Keys[_key] : null, name, "key");
        _keys[_key++] = key;
        return this;
    }

    public ScriptCall Arg(string name, RedisValue value)
    {
        if (_list >= 0)
        {
            var fields = _layout.Lists[_list].Fields;
            Expect(fields[_field], name, $"field of list '{_layout.Lists[_list].Name}'");
            _field = (_field + 1) % fields.Length;
            if (_field == 0)
            {
                _args[_countAt] = (long)_args[_countAt] + 1;
            }
        }
        else
        {
            Expect(_args.Count < _layout.Args.Length ? _layout.Args[_args.Count] : null, name, "argument");
        }
        _args.Add(value);
        return this;
    }

    /// <summary>Starts the next list; its records follow as <see cref="Arg"/> calls, field by field.</summary>
    public ScriptCall List(string name)
    {
        if (_args.Count < _layout.Args.Length || _field != 0)
        {
            throw new InvalidOperationException($"List '{name}' started before the previous arguments were complete.");
        }
        _list++;
        Expect(_list < _layout.Lists.Length ? _layout.Lists[_list].Name : null, name, "list");
        _countAt = _args.Count;
        _args.Add(0L);
        return this;
    }

    public (RedisKey[] Keys, RedisValue[] Args) Build()
    {
        if (_key != _layout.Keys.Length || _args.Count < _layout.Args.Length || _field != 0)
        {
            throw new InvalidOperationException("Script call incomplete: every key, argument and record field is required.");
        }
        // Lists not started are empty.
        for (var l = _list + 1; l < _layout.Lists.Length; l++)
        {
            _args.Add(0L);
        }
        return (_keys, [.. _args]);
    }

    private static void Expect(string? expected, string given, string what)
    {
        if (!string.Equals(expected, given, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Script {what} '{given}' given where '{expected ?? "nothing"}' is declared.");
        }
    }
}
