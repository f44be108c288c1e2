using System.Reflection;
using Tracking.Storage;

namespace Tracking.Tests.Storage;

/// <summary>A script and its gateway cannot disagree on the KEYS/ARGV layout, a field name, or which keys are used.</summary>
public sealed class ScriptTests
{
    private static readonly ScriptLayout Layout = new(["sess", "events"], ["ttl"], new ScriptList("items", "id", "member"));

    [Fact]
    public void A_call_gives_keys_arguments_and_record_fields_in_declared_order_or_throws()
    {
        var (keys, args) = new ScriptCall(Layout).Key("sess", "k1").Key("events", "k2").Arg("ttl", 60)
            .List("items").Arg("id", "a").Arg("member", "m").Arg("id", "b").Arg("member", "n").Build();

        Assert.Equal(["k1", "k2"], keys.Select(k => k.ToString()));
        Assert.Equal(["60", "2", "a", "m", "b", "n"], args.Select(a => a.ToString()));
        Assert.Throws<InvalidOperationException>(() => new ScriptCall(Layout).Key("events", "k2"));
        Assert.Throws<InvalidOperationException>(() => new ScriptCall(Layout).Key("sess", "k1").Key("events", "k2").Arg("ttl", 1).List("items").Arg("member", "m"));
        Assert.Throws<InvalidOperationException>(() => new ScriptCall(Layout).Key("sess", "k1").Arg("ttl", 1).Build());
        Assert.Throws<InvalidOperationException>(() => new ScriptCall(Layout).Key("sess", "k1").Key("events", "k2").Arg("ttl", 1).List("items").Arg("id", "a").Build());
    }

    [Theory]
    [InlineData("redis.call('HSET', K.sess, F.VisitorId, A.ttl)", "key 'events' is passed but never used")]
    [InlineData("redis.call('HSET', K.sess, F.NoSuchField, A.ttl); redis.call('DEL', K.events)", "F name 'NoSuchField' is not declared")]
    [InlineData("redis.call('HSET', K.sess, A.ttl); redis.call('DEL', K.other, K.events)", "key 'other' is not declared")]
    [InlineData("redis.call('HSET', KEYS[1], A.ttl); redis.call('DEL', K.sess, K.events)", "KEYS[n]/ARGV[n] used directly")]
    [InlineData("redis.call('DEL', K.sess, K.events)", "argument 'ttl' is passed but never used")]
    public void A_script_that_disagrees_with_its_layout_is_refused_at_load(string body, string error)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => RedisScript.Check("probe.lua", body, Layout));

        Assert.Contains(error, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_embedded_script_is_loaded_by_exactly_one_gateway_or_shared_as_a_part_and_passes_its_checks()
    {
        var assembly = typeof(RedisScript).Assembly;
        var scripts = assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public).Where(f => f.FieldType == typeof(RedisScript)))
            .Select(f => (RedisScript)f.GetValue(null)!)
            .ToList();
        var parts = scripts.SelectMany(s => s.Parts).Distinct().ToList();
        var embedded = assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".lua", StringComparison.Ordinal) && n != "Tracking.Scripts.library.lua")
            .Select(n => n["Tracking.Scripts.".Length..]);

        Assert.Equal(embedded.Order(StringComparer.Ordinal), scripts.Select(s => s.Name).Concat(parts).Order(StringComparer.Ordinal));
        // POST /events, a session touched, a session created for a known visitor and for a new one.
        Assert.Equal(4, scripts.Count(s => s.Parts.Contains("event_writes.lua")));
        Assert.Equal(2, scripts.Count(s => s.Parts.Contains("session_create.lua")));
    }
}
