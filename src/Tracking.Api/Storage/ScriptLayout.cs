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
            foreach (var list in Lists)
            {
                lua.Append("  local n, list = tonumber(ARGV[p]), {}\n  p = p + 1\n  for i = 1, n do\n    list[i] = {");
                for (var f = 0; f < list.Fields.Length; f++)
                {
                    lua.Append(list.Fields[f]).Append(" = ARGV[p + ").Append(f).Append("], ");
                }
                lua.Append("}\n    p = p + ").Append(list.Fields.Length).Append("\n  end\n  L.").Append(list.Name).Append(" = list\n");
            }
            lua.Append("end\n");
        }
        return lua.ToString();
    }
}

/// <summary>A repeated record in ARGV (e.g. one per event), read in Lua as <c>L.{Name}[i].{field}</c>.</summary>
internal sealed record ScriptList(string Name, params string[] Fields);
