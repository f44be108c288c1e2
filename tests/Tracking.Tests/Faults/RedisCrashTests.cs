using System.Diagnostics;
using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Tests.Infrastructure;

namespace Tracking.Tests.Faults;

/// <summary>
/// A redis-server of its own, with AOF everysec (the documented production setting), killed with SIGKILL under load
/// and restarted: every event answered 202 is still there; while it is down the service answers 503 problems fast.
/// </summary>
[Collection(nameof(RedisCrashTests))]
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

    [Fact]
    public async Task Every_event_answered_202_survives_a_kill_9_and_the_service_recovers_by_itself()
    {
        if (Environment.GetEnvironmentVariable("TEST_REDIS") is { Length: > 0 })
        {
            return; // this test owns its redis-server; the cluster run covers the rest
        }
        using var app = new TrackingApp(new() { ["Redis:ConnectionString"] = $"127.0.0.1:{_port},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000" });
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();

        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"w{worker}-{i}";
                var sw = Stopwatch.StartNew();
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
                    await Task.Delay(20);
                }
            }
        })).ToList();

        await Task.Delay(700);
        _redis.Kill(); // SIGKILL
        await _redis.WaitForExitAsync();
        var killedAt = accepted.Count;
        await Task.Delay(1500);
        var ready = await app.CreateClient().GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        _redis = Start();
        await UntilAsync(async () => (await app.CreateClient().GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        var acceptedAgainFrom = accepted.Count;
        await UntilAsync(() => Task.FromResult(accepted.Count > acceptedAgainFrom + 20));
        await stop.CancelAsync();
        await Task.WhenAll(load);

        using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_port}");
        var stored = (await redis.GetDatabase().SortedSetRangeByRankAsync($"events:sess:{{{sid}}}"))
            .Select(v => JsonDocument.Parse(v.ToString()).RootElement.GetProperty("eventId").GetString()).ToHashSet();
        var lost = accepted.Where(id => !stored.Contains(id)).ToList();
        var unavailable = statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
        File.WriteAllText(Chromium.ArtifactPath("reliability-redis-kill.txt"),
            $"accepted={accepted.Count} before_kill={killedAt} answered_503={unavailable} lost={lost.Count} other_statuses={statuses.Count(s => s is not (HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable))}\n");
        Assert.Empty(lost);
        Assert.True(unavailable > 0, "the outage was seen as 503s");
        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(100);
        }
        Assert.Fail("condition not met within 30 s");
    }
}
