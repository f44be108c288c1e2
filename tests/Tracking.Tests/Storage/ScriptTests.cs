using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
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
    public void Every_embedded_script_is_loaded_by_exactly_one_gateway_or_included_as_a_part_and_passes_its_checks()
    {
        var assembly = typeof(RedisScript).Assembly;
        var scripts = ScriptCheck.Run(ScriptCheck.Gateways(assembly));
        var parts = scripts.SelectMany(s => s.Parts).Distinct().ToList();
        var embedded = assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".lua", StringComparison.Ordinal))
            .Select(n => n["Tracking.Scripts.".Length..]);

        Assert.Equal(embedded.Order(StringComparer.Ordinal), scripts.Select(s => s.Name).Concat(parts).Order(StringComparer.Ordinal));
        // POST /events, a session touched (without its visitor's keys, or with them and on a cluster or not), a session
        // created (on a cluster or not).
        Assert.Equal(6, scripts.Count(s => s.Parts.Contains("event_writes.lua")));
        Assert.Equal(2, scripts.Count(s => s.Parts.Contains("new_session.lua")));
        Assert.Equal(3, scripts.Count(s => s.Parts.Contains("session_touch.lua")));
    }

    [Fact]
    public void A_script_contains_only_the_parts_it_includes_each_once_after_its_own_includes()
    {
        var scripts = ScriptCheck.Run(ScriptCheck.Gateways(typeof(RedisScript).Assembly)).ToDictionary(s => s.Name);

        Assert.Equal(["outbox.lua"], scripts["lease.lua"].Parts);
        Assert.DoesNotContain("agg_tiers", scripts["lease.lua"].Text, StringComparison.Ordinal);
        Assert.Empty(scripts["reserve_checkout.lua"].Parts);
        var append = scripts["append_events.lua"];
        Assert.Equal(append.Parts.Distinct(), append.Parts);
        // The request path appends facts; only the projection includes the counters' tiers.
        Assert.DoesNotContain("aggregate_tiers.lua", append.Parts);
        Assert.Equal(["hashes.lua", "aggregates.lua", "aggregate_tiers.lua", "aggregate_cohorts.lua"], scripts["project.lua"].Parts);
        Assert.True(append.Parts.ToList().IndexOf("entries.lua") < append.Parts.ToList().IndexOf("visits.lua"));
    }

    [Fact]
    public void No_lua_file_is_over_120_lines()
    {
        var assembly = typeof(RedisScript).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".lua", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var lines = reader.ReadToEnd().TrimEnd('\n').Split('\n').Length;
            Assert.True(lines <= 120, $"{name} has {lines} lines");
        }
    }

    [Fact]
    public async Task Every_script_compiles_in_redis()
    {
        var scripts = ScriptCheck.Run(ScriptCheck.Gateways(typeof(RedisScript).Assembly));
        var server = Tracking.Tests.Support.RedisServer.Shared.Masters.First();

        foreach (var script in scripts)
        {
            // SCRIPT LOAD compiles without running: a syntax error is refused here.
            await server.ScriptLoadAsync(script.Text);
        }
    }

    [Fact]
    public void A_mis_declared_script_stops_the_start_up_check_naming_the_script()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => ScriptCheck.Run([typeof(MisdeclaredGateway)]));

        Assert.Contains("release_checkout.lua", refused.Message, StringComparison.Ordinal);
        Assert.Contains("argument 'unused' is passed but never used", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_answering_a_status_its_enum_lacks_stops_the_start_up_check_naming_the_script()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => ScriptCheck.Run([typeof(WrongStatusGateway)]));

        Assert.Contains("reserve_checkout.lua", refused.Message, StringComparison.Ordinal);
        Assert.Contains("S name 'LimitReached' is not declared", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_host_runs_the_start_up_check()
    {
        using var app = new Tracking.Tests.Support.TrackingApp();

        Assert.Contains(app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is ScriptStartupCheck);
    }

    private static class MisdeclaredGateway
    {
        public static readonly RedisScript Script = RedisScript.Load("release_checkout.lua", new ScriptLayout(["ledger"], ["slot", "unused"]));
    }

    private static class WrongStatusGateway
    {
        public static readonly RedisScript Script = RedisScript.Load(
            "reserve_checkout.lua", new ScriptLayout(["sess", "ledger"], ["slot", "max", "ledger_ttl"]), statuses: typeof(ReservedOnly));
    }

    private enum ReservedOnly
    {
        Reserved,
        UnknownSession,
    }
}
