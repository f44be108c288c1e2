using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;
using Xunit.Abstractions;

namespace Tracking.Tests.Sessions;

/// <summary>
/// What one page load costs Redis, counted by the server (<c>INFO commandstats</c> before and after, on a redis-server
/// of this class's own): the scripts it runs (each one network round trip unless sent together) and every command
/// those scripts run. Pins the page-load paths the snippet takes so a new round trip shows up here, not in a benchmark.
/// </summary>
public sealed class PageLoadCostTests(OwnRedis redis, ITestOutputHelper output) : IClassFixture<OwnRedis>
{
    private const int Times = 20;

    // The append that makes a partition's projection log sets its TTL (aggregates.lua): whether a page load's fact is
    // the first in its partition depends on the random session id, so a page load may cost one EXPIRE more.
    private const int LogTtl = 1;

    private const string Landing = "https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter";

    // What the server does on its own (health sampling, the client's heartbeat), not for a request.
    private static readonly HashSet<string> Housekeeping = ["info", "ping", "echo", "client", "cluster", "config", "role", "hello", "select", "subscribe", "time"];

    private DeliveryApp App(int newSessionsPerMinute = 600)
    {
        redis.Connection.GetServers().Single().FlushAllDatabases();
        // Without the background projection, whose passes (a script per partition holding facts) would land in the
        // counts whenever one falls within a measurement.
        return DeliveryApp.Create(
            new() { [redis.Setting.Key] = redis.Setting.Value, ["Tracking:NewSessionsPerMinute"] = newSessionsPerMinute.ToString(CultureInfo.InvariantCulture) },
            services: Projection.ProjectionCrashTests.WithoutWorker);
    }

    private static object Body(string? sessionId = null, string? visitorId = null, string? posthog = null) => new
    {
        url = Landing,
        referrer = "https://m.facebook.com/",
        sessionId,
        visitorId,
        posthogDistinctId = posthog,
        pageLoadKey = Guid.NewGuid().ToString("N"),
        events = new[] { new { @event = "PageView", eventId = Guid.NewGuid().ToString("N"), url = Landing } },
    };

    [LocalRedisFact]
    public async Task A_new_visitors_page_load_is_one_script_with_its_budget_and_its_posthog_ids_index()
    {
        using var app = App();
        var client = app.Browser();
        await LoadAsync(client, Body(posthog: "ph-warm"), HttpStatusCode.Created); // scripts loaded: measure from here

        var plain = await MeasureAsync(() => LoadAsync(client, Body(), HttpStatusCode.Created));
        var withPostHog = await MeasureAsync(() => LoadAsync(client, Body(posthog: "ph-new"), HttpStatusCode.Created));

        Assert.Equal(1, plain.Scripts);
        Assert.Equal(1, withPostHog.Scripts);
        // A minted visitor's keys are made without being read, the session's fields go in one HSET with its visit, and
        // the client's budget is one HMGET and one HSET within its window.
        Assert.InRange(plain.Commands, 1, 22 + LogTtl);
        Assert.DoesNotContain("pexpire", plain.Names); // the client's budget window opened with the first page load
        Assert.InRange(withPostHog.Commands, 1, 26 + LogTtl);
    }

    [LocalRedisFact]
    public async Task A_new_visitors_page_load_past_its_budget_is_one_script_that_only_reads()
    {
        using var app = App(newSessionsPerMinute: 1);
        var client = app.Browser();
        await LoadAsync(client, Body(), HttpStatusCode.Created); // the client's one session this minute; scripts loaded

        // Refused by the create script itself, which saw the page load's derived session does not exist: no touch of
        // it, no second create under another id.
        var refused = await MeasureAsync(() => LoadAsync(client, Body(), HttpStatusCode.TooManyRequests));

        Assert.Equal(1, refused.Scripts);
        Assert.Subset(new HashSet<string>(["evalsha", "exists", "hmget"]), refused.Names);
    }

    [LocalRedisFact]
    public async Task A_returning_visitors_page_load_in_the_same_visit_is_one_script()
    {
        using var app = App();
        var client = app.Browser();
        var first = await LoadAsync(client, Body(posthog: "ph-1"), HttpStatusCode.Created);
        var (sid, vid) = (first.GetProperty("sessionId").GetString(), first.GetProperty("visitorId").GetString());

        var cost = await MeasureAsync(() => LoadAsync(client, Body(sid, vid, "ph-1"), HttpStatusCode.OK));

        Assert.Equal(1, cost.Scripts);
        Assert.InRange(cost.Commands, 1, 14 + LogTtl); // the touch's fields written with its PageView's visit, one HSET
    }

    [LocalRedisFact]
    public async Task A_page_load_that_begins_a_new_visit_is_one_script_with_the_renewal_of_the_posthog_ids_index()
    {
        using var app = App();
        var client = app.Browser();
        var first = await LoadAsync(client, Body(posthog: "ph-1"), HttpStatusCode.Created);
        var (sid, vid) = (first.GetProperty("sessionId").GetString(), first.GetProperty("visitorId").GetString());
        await LoadAsync(client, Body(sid, vid, "ph-1"), HttpStatusCode.OK); // the touch script loaded

        var plain = await MeasureAsync(async () =>
        {
            app.Clock.Advance(TimeSpan.FromMinutes(31));
            await LoadAsync(client, Body(sid, vid), HttpStatusCode.OK);
        });
        var withPostHog = await MeasureAsync(async () =>
        {
            app.Clock.Advance(TimeSpan.FromMinutes(31));
            await LoadAsync(client, Body(sid, vid, "ph-1"), HttpStatusCode.OK);
        });

        Assert.Equal(1, plain.Scripts);
        Assert.Equal(1, withPostHog.Scripts);
        Assert.InRange(plain.Commands, 1, 17 + LogTtl); // the visit's count written with the touch's fields
        Assert.InRange(withPostHog.Commands, 1, 20 + LogTtl);
    }

    [LocalRedisFact]
    public async Task A_known_visitors_new_session_is_one_script_with_its_budget_and_its_posthog_ids_index()
    {
        using var app = App();
        var client = app.Browser();
        var vid = (await LoadAsync(client, Body(posthog: "ph-1"), HttpStatusCode.Created)).GetProperty("visitorId").GetString();

        var plain = await MeasureAsync(() => LoadAsync(client, Body(visitorId: vid), HttpStatusCode.Created));
        var withPostHog = await MeasureAsync(() => LoadAsync(client, Body(visitorId: vid, posthog: "ph-1"), HttpStatusCode.Created));

        Assert.Equal(1, plain.Scripts);
        Assert.Equal(1, withPostHog.Scripts);
        Assert.InRange(plain.Commands, 1, 24 + LogTtl);
        Assert.InRange(withPostHog.Commands, 1, 27 + LogTtl);
    }

    private static async Task<JsonElement> LoadAsync(HttpClient client, object body, HttpStatusCode expected)
    {
        var response = await client.PostAsJsonAsync("/session", body);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private sealed record Cost(long Scripts, long Commands, long Usec, HashSet<string> Names);

    /// <summary>The cost of <see cref="Times"/> page loads, each made by <paramref name="load"/>, per page load.</summary>
    private async Task<Cost> MeasureAsync(Func<Task> load)
    {
        var before = await StatsAsync();
        for (var i = 0; i < Times; i++)
        {
            await load();
        }
        var after = await StatsAsync();
        var delta = after.Select(a => (a.Key, Calls: a.Value.Calls - before.GetValueOrDefault(a.Key).Calls, Usec: a.Value.Usec - before.GetValueOrDefault(a.Key).Usec))
            .Where(d => d.Calls > 0).ToList();
        var scripts = delta.Where(d => d.Key is "evalsha" or "eval").ToList();
        var cost = new Cost(scripts.Sum(d => d.Calls) / Times, delta.Sum(d => d.Calls) / Times, scripts.Sum(d => d.Usec) / Times,
            delta.Select(d => d.Key).ToHashSet(StringComparer.Ordinal));
        output.WriteLine($"per page load: {cost}; over {Times}: {string.Join(", ", delta.Select(d => $"{d.Key} {d.Calls}"))}");
        Assert.Equal(0, scripts.Sum(d => d.Calls) % Times); // every page load of a test took the same path
        return cost;
    }

    private async Task<Dictionary<string, (long Calls, long Usec)>> StatsAsync()
    {
        var stats = (await redis.Connection.GetServers().Single().InfoAsync("commandstats")).SelectMany(g => g);
        var result = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (var (key, value) in stats)
        {
            var name = key.Replace("cmdstat_", "", StringComparison.Ordinal);
            if (Housekeeping.Contains(name.Split('|')[0]))
            {
                continue;
            }
            var fields = value.Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
            result[name] = (long.Parse(fields["calls"], CultureInfo.InvariantCulture), long.Parse(fields["usec"], CultureInfo.InvariantCulture));
        }
        return result;
    }
}
