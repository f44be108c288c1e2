using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tracking.Infrastructure;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Storage;

/// <summary>
/// Group commit (<see cref="GroupCommit"/>): requests that arrive while earlier ones are on their way to Redis go in
/// one script run, and each still gets the answer it would have had alone. Redis is held with <c>CLIENT PAUSE</c>
/// while the requests queue, on a server of the test's own (a pause would hold every other test class).
/// </summary>
public sealed class GroupCommitTests(OwnRedis redis) : IClassFixture<OwnRedis>
{
    private const int Requests = 24;

    [LocalRedisFact]
    public async Task Requests_queued_behind_a_held_run_share_runs_and_each_gets_its_own_answer()
    {
        await using var app = await FreshAppAsync(new() { ["Tracking:MaxEventsPerSession"] = "12" });
        var client = app.Browser();
        var full = await SessionAsync(client);
        var other = await SessionAsync(client);
        await WarmAsync(client, other);
        using var runs = new MetricCollector<int>(app.Services.GetRequiredService<TrackingMetrics>().CallsPerRun);

        await PauseAsync(600);
        // Two thirds of the requests (16) fill one session past its cap (it keeps the first 12 to reach the script); the
        // other third (8) go to another session, two of them with the same event id.
        var posts = Enumerable.Range(0, Requests).Select(i => client.PostJsonAsync("/events", i % 3 != 0
            ? $$$"""{"sessionId":"{{{full}}}","event":"ViewContent","eventId":"f{{{i}}}","properties":{"content":"trailer_30s"}}"""
            : $$"""{"sessionId":"{{other}}","event":"PageView","eventId":"{{(i == 0 ? "o3" : "o" + i)}}"}""")).ToList();
        var answers = await Task.WhenAll(posts);

        // Two runs go out and wait in the pause; the rest queue behind them and go together.
        var sizes = runs.GetMeasurementSnapshot().Select(m => m.Value).ToList();
        Assert.Equal(Requests, sizes.Sum());
        Assert.True(sizes.Count <= 4, $"runs of {string.Join(", ", sizes)} requests");
        var toFull = answers.Where((_, i) => i % 3 != 0).ToList();
        Assert.Equal(12, toFull.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(4, toFull.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var toOther = answers.Where((_, i) => i % 3 == 0).ToList();
        Assert.All(toOther, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var bodies = await Task.WhenAll(toOther.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(7, bodies.Sum(a => a.GetProperty("accepted").GetInt32()));
        Assert.Equal(1, bodies.Sum(a => a.GetProperty("duplicates").GetInt32()));
        Assert.Equal(12, await redis.Db.SortedSetLengthAsync(Keys.Events(full)));
        Assert.Equal(8, await redis.Db.SortedSetLengthAsync(Keys.Events(other))); // "warm" and 7 fresh
        app.VerifyLogsSoFar();
    }

    [LocalRedisFact]
    public async Task Requests_carrying_many_events_go_in_smaller_runs()
    {
        await using var app = await FreshAppAsync();
        var client = app.Browser();
        var sessions = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            sessions.Add(await SessionAsync(client));
        }
        await WarmAsync(client, sessions[0]);
        using var runs = new MetricCollector<int>(app.Services.GetRequiredService<TrackingMetrics>().CallsPerRun);
        // A batch of 50 events is about 650 script arguments: three such requests fit in a run's GroupCommit.MaxArgs.
        string Batch(string id) => $$$"""{"sessionId":"{{{id}}}","events":[{{{string.Join(",", Enumerable.Range(0, 50).Select(n => $$"""{"event":"PageView","eventId":"b{{n}}"}"""))}}}]}""";

        await PauseAsync(600);
        var answers = await Task.WhenAll(sessions.Select(id => client.PostJsonAsync("/events", Batch(id))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var sizes = runs.GetMeasurementSnapshot().Select(m => m.Value).ToList();
        Assert.Equal(8, sizes.Sum());
        Assert.True(sizes.Max() <= 3, $"runs of {string.Join(", ", sizes)} requests");
        Assert.Equal(51, await redis.Db.SortedSetLengthAsync(Keys.Events(sessions[0])));
        app.VerifyLogsSoFar();
    }

    [LocalRedisFact]
    public async Task When_a_run_times_out_the_calls_waiting_behind_it_are_answered_503_at_once()
    {
        await using var app = await FreshAppAsync();
        app.ExpectErrors("Tracking.Infrastructure.StoreUnavailableHandler", "the test stalls Redis past the client's timeout on purpose");
        var client = app.Browser();
        var id = await SessionAsync(client);
        await WarmAsync(client, id);

        // Stalled longer than the client's 2 s timeout: the two runs out time out. Sent after them, the calls waiting
        // would run once the pause ends (and be answered 202); failed with them, they are answered 503.
        await PauseAsync(3500);
        var answers = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i =>
            client.PostJsonAsync("/events", $$"""{"sessionId":"{{id}}","event":"PageView","eventId":"t{{i}}"}""")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
    }

    /// <summary>An app on this class's own Redis, emptied first.</summary>
    private async Task<TrackingApp> FreshAppAsync(Dictionary<string, string?>? settings = null)
    {
        await redis.Connection.GetServers().Single().FlushAllDatabasesAsync();
        return new TrackingApp(new(settings ?? []) { [redis.Setting.Key] = redis.Setting.Value });
    }

    /// <summary>Holds every write for <paramref name="ms"/>: the runs sent meanwhile wait in Redis, the calls after them in their lane.</summary>
    private async Task PauseAsync(int ms) => await redis.Connection.GetServers().Single().ExecuteAsync("CLIENT", "PAUSE", ms.ToString(System.Globalization.CultureInfo.InvariantCulture), "WRITE");

    private static async Task<string> SessionAsync(HttpClient client) =>
        (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

    /// <summary>One event, so Redis has the script cached before a test counts runs.</summary>
    private static async Task WarmAsync(HttpClient client, string sessionId) =>
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sessionId}}","event":"PageView","eventId":"warm"}""");
}
