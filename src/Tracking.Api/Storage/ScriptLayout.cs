namespace Tracking.Storage;

/// <summary>
/// The KEYS/ARGV layout of one Lua script, stated once: the gateway that calls the script declares it, the script
/// reads it by name (<c>K.sess</c>, <c>A.ttl</c>, <c>for _, e in ipairs(L.events)</c>) from a generated preamble,
/// and <see cref="ScriptCall"/> refuses arguments given out of that order.
/// ARGV is the scalar arguments in order, then per list its record count followed by its records, field by field.
/// </summary>
internal sealed record ScriptLayout(string[] Keys, string[] Args, params ScriptList[] Lists)
{
    public int FixedArgs => Args.Length;

    /// <summary>Lua that binds <c>K</c>, <c>A</c> and <c>L</c> by name.</summary>
    public string Preamble()
    {
        var lua = new System.Text.StringBuilder();
        lua.Append("local K = {");
        for (var i = 0; i < Keys.Length; i++)
        {
            lua.Append(Keys[i]).Append(" = KEYS[").Append(i + 1).Append("], ");
        }
        lua.Append("}\nlocal A = {");
        for (var i = 0; i < Args.Length; i++)
        {
            lua.Append(Args[i]).Append(" = ARGV[").Append(i + 1).Append("], ");
        }
        lua.Append("}\nlocal L = {}\n");
        if (Lists.Length > 0)
        {
            lua.Append("do\n  local p = ").Append(Args.Length + 1).Append('\n');
            AppendLists(lua);
            lua.Append("end\n");
        }
        return lua.ToString();
    }

    /// <summary>
    /// Lua for a batched script (<see cref="RedisScript.LoadBatched"/>): empty <c>K</c>, <c>A</c>, <c>L</c>, and
    /// <c>bind(kb, p)</c>, which points them at the call whose keys follow <c>KEYS[kb]</c> and whose arguments start
    /// at <c>ARGV[p]</c>, and answers where the next call's arguments start. The tables are filled in place, so the
    /// included functions, which hold them as upvalues, read each call's own.
    /// </summary>
    public string BatchPreamble()
    {
        var lua = new System.Text.StringBuilder();
        lua.Append("local K, A, L = {}, {}, {}\nlocal function bind(kb, p)\n");
        for (var i = 0; i < Keys.Length; i++)
        {
            lua.Append("  K.").Append(Keys[i]).Append(" = KEYS[kb + ").Append(i + 1).Append("]\n");
        }
        for (var i = 0; i < Args.Length; i++)
        {
            lua.Append("  A.").Append(Args[i]).Append(" = ARGV[p + ").Append(i).Append("]\n");
        }
        lua.Append("  p = p + ").Append(Args.Length).Append('\n');
        AppendLists(lua);
        lua.Append("  return p\nend\n");
        return lua.ToString();
    }

    // Each list: its record count at ARGV[p], then its records field by field, into L.{name}; p ends past them.
    private void AppendLists(System.Text.StringBuilder lua)
    {
        foreach (var list in Lists)
        {
            lua.Append("  do\n    local n, list = tonumber(ARGV[p]), {}\n    p = p + 1\n    for i = 1, n do\n      list[i] = {");
            for (var f = 0; f < list.Fields.Length; f++)
            {
                lua.Append(list.Fields[f]).Append(" = ARGV[p + ").Append(f).Append("], ");
            }
            lua.Append("}\n      p = p + ").Append(list.Fields.Length).Append("\n    end\n    L.").Append(list.Name).Append(" = list\n  end\n");
        }
    }
}

/// <summary>A repeated record in ARGV (e.g. one per event), read in Lua as <c>L.{Name}[i].{field}</c>.</summary>
internal sealed record ScriptList(string Name, params string[] Fields);
