using System.Diagnostics;
using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>
/// A redis-server of its own, with AOF everysec (the documented production setting), killed with SIGKILL under load
/// and restarted: every event answered 202 is still there; while it is down the service answers 503 problems fast.
/// </summary>
[Collection(RedisFailover.Name)]
public sealed class RedisCrashTests : IDisposable
{
    private readonly int _port = RedisServer.FreePort();
    private readonly string _dir = Directory.CreateTempSubdirectory("tracking-aof-").FullName;
    private Process _redis;

    public RedisCrashTests() => _redis = Start();

    public void Dispose()
    {
        try
        {
            _redis.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        Directory.Delete(_dir, recursive: true);
    }

    private Process Start() => RedisServer.Start(_port, "--appendonly", "yes", "--appendfsync", "everysec", "--dir", _dir, "--appenddirname", "aof");

    [LocalRedisFact]
    public async Task Every_event_answered_202_survives_a_kill_9_and_the_service_recovers_by_itself()
    {
        using var app = new TrackingApp(new()
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{_port},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000",
            // One session takes the whole load: on a fast machine four writers pass the default 1000 events before the restart.
            ["Tracking:MaxEventsPerSession"] = "100000",
        });
        app.ExpectErrors("Tracking.Infrastructure.StoreUnavailableHandler", "Redis is SIGKILLed on purpose: every request it refuses with a 503 is logged as an error");
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // the load ends even if the test fails midway

        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"w{worker}-{i}";
                var response = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"{{id}}"}""");
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add(id);
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    await Task.Delay(20); // pacing while Redis is down, not a wait for anything
                }
            }
        })).ToList();

        int killedAt;
        try
        {
            await Eventually.UntilAsync(() => accepted.Count >= 50, TimeSpan.FromSeconds(30), "the load to have 50 events accepted before the kill", state: LoadState);
            _redis.Kill(); // SIGKILL
            await Eventually.UntilAsync(() => _redis.HasExited, TimeSpan.FromSeconds(10), "the SIGKILLed redis-server to exit");
            killedAt = accepted.Count;
            await Eventually.UntilAsync(async () => statuses.Contains(HttpStatusCode.ServiceUnavailable)
                && (await app.CreateClient().GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(30), "the outage to be answered 503 by /events and /health/ready", state: LoadState);
            _redis = Start();
            await Eventually.UntilAsync(async () => (await app.CreateClient().GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30), "/health/ready to answer 200 once Redis is back");
            var acceptedAgainFrom = accepted.Count;
            await Eventually.UntilAsync(() => accepted.Count > acceptedAgainFrom + 20, TimeSpan.FromSeconds(30), "20 more events accepted after the restart", state: LoadState);
        }
        finally
        {
            await stop.CancelAsync();
        }
        await Task.WhenAll(load);

        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_port}");
        var stored = (await redis.GetDatabase().SortedSetRangeByRankAsync(Keys.Events(sid)))
            .Select(v => JsonDocument.Parse(v.ToString()).RootElement.GetProperty("eventId").GetString()).ToHashSet();
        var lost = accepted.Where(id => !stored.Contains(id)).ToList();
        var unavailable = statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
        File.WriteAllText(Chromium.ArtifactPath("reliability-redis-kill.txt"),
            $"accepted={accepted.Count} before_kill={killedAt} answered_503={unavailable} lost={lost.Count} other_statuses={statuses.Count(s => s is not (HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable))}\n");
        Assert.Empty(lost);
        Assert.True(unavailable > 0, "the outage was seen as 503s");
        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);

        string LoadState() => $"{accepted.Count} accepted, {statuses.Count(s => s == HttpStatusCode.ServiceUnavailable)} answered 503";
    }
}
