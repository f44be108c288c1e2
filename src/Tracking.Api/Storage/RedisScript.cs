using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Tracking.Storage;

/// <summary>
/// One Lua script, loaded from its embedded <c>.lua</c> file and run as name tables (<c>F</c> session fields, <c>CF</c>
/// client fields, <c>M</c> aggregate metrics, <c>E</c> outbox entry members, <c>S</c> the script's result statuses) +
/// <c>C</c> (numbers) + the layout preamble + the parts the script includes (<c>--- @include "name"</c> lines, each
/// part once, a part's own includes first) + the body.
/// Names are checked when the script is loaded (at start, <see cref="ScriptCheck"/>): a script that reads an undeclared
/// key, argument, list, name or status, or a gateway that passes a key the script never reads, stops the service
/// instead of misbehaving.
/// </summary>
internal sealed partial class RedisScript
{
    // Name tables generated from C# constants: F = session hash fields, CF = client hash fields, M = aggregate metrics,
    // E = outbox entry members the scripts add.
    private static readonly (string Table, IReadOnlyDictionary<string, string> Names)[] NameTables =
    [
        ("F", Constants(typeof(SessionField))),
        ("CF", Constants(typeof(ClientField))),
        ("M", Constants(typeof(AggregateMetric))),
        ("E", Constants(typeof(EntryMember))),
    ];

    // Constants the scripts share with C#.
    private static readonly IReadOnlyDictionary<string, long> Numbers = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["MaxAttributionKeys"] = Aggregates.MaxKeysPerPartitionDay,
        ["MaxCandidateKeys"] = Aggregates.MaxCandidatesPerPartitionDay,
        ["AdmitAfterFacts"] = Aggregates.AdmitAfterFacts,
        ["MaxSelectedCampaigns"] = Aggregates.MaxSelectedCampaignsPerPartitionDay,
        ["MaxProjectionFacts"] = Aggregates.MaxProjectionFacts,
    };

    private RedisScript(string name, string[] parts, string text, bool acknowledged)
    {
        Name = name;
        Parts = parts;
#pragma warning disable CA5350 // Redis names cached scripts by their SHA-1; not a security use
        _sha1 = System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(text));
        _sha1Hex = Convert.ToHexStringLower(_sha1);
#pragma warning restore CA5350
        Text = text;
        _acknowledged = acknowledged;
    }

    private readonly bool _acknowledged;

    // EVALSHA by this hash: the client's own text overload looks the whole script text up in a hashtable on every
    // call, hashing several KB each time.
    private readonly byte[] _sha1;

    // EVALSHA's argument when the script is sent to one node by hand (under Sentinel, see OnAsync).
    private readonly string _sha1Hex;

    public string Name { get; }

    /// <summary>The parts (script files of functions) this script includes, directly or through another part, in order.</summary>
    public IReadOnlyList<string> Parts { get; }

    /// <summary>The full text sent to Redis (cached there by SHA: StackExchange.Redis uses EVALSHA after the first call).</summary>
    public string Text { get; }

    /// <param name="acknowledged">
    /// Whether a run is a write answered 2xx, which waits for Redis:AckReplicas replicas (<see cref="ReplicaAck"/>);
    /// the outbox's own bookkeeping does not (a lost settle only re-sends with the same event id).
    /// </param>
    /// <param name="statuses">
    /// The enum whose names the script answers as <c>status</c> (Lua: <c>S.Name</c>), decoded by <see cref="ScriptResult"/>.
    /// </param>
    public static RedisScript Load(string file, ScriptLayout layout, bool acknowledged = true, Type? statuses = null) =>
        Assemble(file, layout, acknowledged, statuses, batched: false);

    /// <summary>
    /// The script of <paramref name="file"/> run for several calls in one EVALSHA (<see cref="GroupCommit"/>): KEYS
    /// are the calls' keys one call after the other, ARGV the number of calls and then each call's arguments. Each
    /// call runs as it would alone, in order, inside <c>pcall</c> (an error fails that call only); the answer is one
    /// answer per call, an error as <c>{'error', message}</c>.
    /// </summary>
    public static RedisScript LoadBatched(string file, ScriptLayout layout, Type statuses) =>
        Assemble(file, layout, acknowledged: true, statuses, batched: true);

    private static RedisScript Assemble(string file, ScriptLayout layout, bool acknowledged, Type? statuses, bool batched)
    {
        var parts = new List<string>();
        try
        {
            Include(file, parts, []);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"Lua script {file}: {e.Message}", e);
        }
        parts.Remove(file);
        var included = string.Concat(parts.Select(p => Resource(p) + "\n"));
        var own = Resource(file);
        var body = included + own;
        var tables = statuses is null ? NameTables : [.. NameTables, ("S", Statuses(statuses))];
        Check(file, body, layout, tables);
        var text = new StringBuilder(body.Length + 4096);
        foreach (var (table, names) in tables)
        {
            // Only the names this script reads: the table is rebuilt on every call.
            var used = Uses(table, body);
            text.Append("local ").Append(table).Append(" = {")
                .AppendJoin("", names.Where(f => used.Contains(f.Key)).Select(f => $"{f.Key} = '{f.Value}', ")).Append("}\n");
        }
        text.Append("local C = {").AppendJoin("", Numbers.Select(c => $"{c.Key} = {c.Value}, ")).Append("}\n");
        if (!batched)
        {
            text.Append(layout.Preamble()).Append(body);
        }
        else
        {
            text.Append(layout.BatchPreamble()).Append(included)
                .Append("local function run()\n").Append(own).Append("\nend\n")
                .Append("local out, kb, p = {}, 0, 2\n")
                .Append("for r = 1, tonumber(ARGV[1]) do\n")
                .Append("  p = bind(kb, p)\n  kb = kb + ").Append(layout.Keys.Length).Append('\n')
                .Append("  local ok, answer = pcall(run)\n")
                .Append("  out[r] = ok and answer or {'error', type(answer) == 'table' and answer.err or tostring(answer)}\n")
                .Append("end\nreturn out\n");
        }
        return new RedisScript(file, [.. parts], text.ToString(), acknowledged);
    }

    // Depth first, each part once: a part's includes come before it, so every function is defined before its callers.
    private static void Include(string file, List<string> parts, HashSet<string> open)
    {
        if (parts.Contains(file))
        {
            return;
        }
        if (!open.Add(file))
        {
            throw new InvalidOperationException($"{file} includes itself.");
        }
        foreach (var name in IncludeLine().Matches(Resource(file)).Select(m => m.Groups[1].Value))
        {
            Include(name + ".lua", parts, open);
        }
        parts.Add(file);
    }

    public Task<RedisResult> RunAsync(IDatabase db, ScriptCall call)
    {
        var (keys, args) = call.Build();
        return RunAsync(db, keys, args);
    }

    public async Task<RedisResult> RunAsync(IDatabase db, RedisKey[] keys, RedisValue[] args)
    {
        var ack = _acknowledged && keys.Length > 0 ? ReplicaAck.For(db.Multiplexer) : null;
        // Under Sentinel, only on the node the sentinels name the primary (never on a stale master that came back).
        var guard = keys.Length > 0 ? SentinelGuard.For(db.Multiplexer) : null;
        var primary = guard is null ? null : await guard.PrimaryForAsync(db.Multiplexer, keys[0]);
        // The node the script is sent to by hand (see OnAsync): the checked primary, or, when replicas are awaited,
        // the node the client maps the key to — WAIT must run on the node that ran the script, and a script the
        // client re-routes on MOVED would have run elsewhere (on a cluster, an old master and a promoted one).
        var node = db.Database != 0 ? null : primary ?? (ack is null ? null : ReplicaAck.NodeFor(db.Multiplexer, keys[0]));
        RedisResult result;
        try
        {
            result = node is null ? await db.ScriptEvaluateAsync(_sha1, keys, args) : await OnAsync(db, node, "EVALSHA", _sha1Hex, keys, args);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // This node has not seen the script (first call, a restart, a failover to a replica, another cluster
            // master): sent once in full, which Redis caches. A script either ran or it did not, so this is no retry.
            result = node is null ? await db.ScriptEvaluateAsync(Text, keys, args) : await OnAsync(db, node, "EVAL", Text, keys, args);
        }
        if (guard is not null)
        {
            guard.StillPrimary(db.Multiplexer, keys[0], primary!);
        }
        // Waited even when the script changed nothing (a retried event): the first try's write may not be on the
        // replicas yet, and this answer acknowledges it.
        if (ack is not null)
        {
            await ack.WaitAsync(keys[0], node ?? primary);
        }
        return result;
    }

    /// <summary>
    /// The script sent to the very node chosen before (the guard's checked primary, or the node WAIT will run on).
    /// Through <see cref="IDatabase"/> the client picks the node again when it sends, and with an old primary back
    /// as a second master it could pick that one between the check and the send. <see cref="CommandFlags.NoRedirect"/>: on a cluster, a node that no longer serves the slot
    /// answers MOVED, which fails this write (503; the client updates its slot map, so the retry goes to the new
    /// master) instead of running it on another node than the one WAIT is sent to. A server command carries no
    /// database number, so only database 0 (the default) goes this way; another database keeps the client's routing.
    /// </summary>
    private static Task<RedisResult> OnAsync(IDatabase db, System.Net.EndPoint node, string command, object script, RedisKey[] keys, RedisValue[] args)
    {
        var parts = new List<object>(2 + keys.Length + args.Length) { script, keys.Length };
        parts.AddRange(keys.Select(k => (object)k));
        parts.AddRange(args.Select(a => (object)a));
        return db.Multiplexer.GetServer(node).ExecuteAsync(command, parts, CommandFlags.NoRedirect);
    }

    internal static void Check(string file, string body, ScriptLayout layout) => Check(file, body, layout, NameTables);

    private static void Check(string file, string body, ScriptLayout layout, (string Table, IReadOnlyDictionary<string, string> Names)[] tables)
    {
        var errors = new List<string>();
        void Names(Regex pattern, string text, ICollection<string> declared, string what)
        {
            foreach (var used in pattern.Matches(text).Select(m => m.Groups[1].Value).Distinct())
            {
                if (!declared.Contains(used))
                {
                    errors.Add($"{what} '{used}' is not declared");
                }
            }
        }
        Names(KeyUse(), body, layout.Keys, "key");
        Names(ArgUse(), body, layout.Args, "argument");
        Names(ListUse(), body, layout.Lists.Select(l => l.Name).ToList(), "list");
        foreach (var (table, names) in tables)
        {
            Names(new Regex($@"(?<![\w.]){table}\.(\w+)"), body, names.Keys.ToList(), $"{table} name");
        }
        if (!tables.Any(t => t.Table == "S"))
        {
            Names(new Regex(@"(?<![\w.])S\.(\w+)"), body, [], "status (no status enum given)");
        }
        Names(ConstantUse(), body, Numbers.Keys.ToList(), "constant");
        var keysUsed = KeyUse().Matches(body).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(layout.Keys.Where(k => !keysUsed.Contains(k)).Select(k => $"key '{k}' is passed but never used"));
        var argsUsed = ArgUse().Matches(body).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(layout.Args.Where(a => !argsUsed.Contains(a)).Select(a => $"argument '{a}' is passed but never used"));
        if (body.Contains("KEYS[", StringComparison.Ordinal) || body.Contains("ARGV[", StringComparison.Ordinal))
        {
            errors.Add("KEYS[n]/ARGV[n] used directly; read them by name (K.x, A.x, L.x)");
        }
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"Lua script {file}: {string.Join("; ", errors)}.");
        }
    }

    private static HashSet<string> Uses(string table, string lua) =>
        Regex.Matches(lua, $@"(?<![\w.]){table}\.(\w+)").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, string> Statuses(Type type) =>
        Enum.GetNames(type).ToDictionary(n => n, n => n, StringComparer.Ordinal);

    private static Dictionary<string, string> Constants(Type type) => type
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal);

    private static string Resource(string file)
    {
        var name = "Tracking.Scripts." + file;
        using var stream = typeof(RedisScript).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Lua script {name} is not embedded (see Tracking.Api.csproj).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^--- @include ""(\w+)""\s*$", RegexOptions.Multiline)]
    private static partial Regex IncludeLine();

    [GeneratedRegex(@"(?<![\w.])K\.(\w+)")]
    private static partial Regex KeyUse();

    [GeneratedRegex(@"(?<![\w.])A\.(\w+)")]
    private static partial Regex ArgUse();

    [GeneratedRegex(@"(?<![\w.])L\.(\w+)")]
    private static partial Regex ListUse();

    [GeneratedRegex(@"(?<![\w.])C\.(\w+)")]
    private static partial Regex ConstantUse();
}
