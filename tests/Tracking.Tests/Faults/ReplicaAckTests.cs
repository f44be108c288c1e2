using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>
/// A real primary and replica on loopback, Redis:AckReplicas=1: a 202 means the replica has the event. The replica
/// frozen (SIGSTOP) → 503 with Retry-After, never 500; thawed (SIGCONT) → 202 again, without a restart.
/// </summary>
public sealed class ReplicaAckTests : IDisposable
{
    private readonly int _primaryPort = RedisServer.FreePort();
    private readonly int _replicaPort = RedisServer.FreePort();
    private readonly Process _primary;
    private readonly Process _replica;

    public ReplicaAckTests()
    {
        _primary = RedisServer.Start(_primaryPort);
        _replica = RedisServer.Start(_replicaPort, "--replicaof", "127.0.0.1", _primaryPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        foreach (var p in new[] { _replica, _primary })
        {
            try
            {
                Signals.Send(p, "CONT");
                p.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
    }

    [LocalRedisFact]
    public async Task With_one_ack_replica_every_202_is_on_the_replica_and_a_frozen_replica_is_a_503()
    {
        using var replica = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_replicaPort},allowAdmin=true");
        await Eventually.UntilAsync(async () => (await replica.GetServers()[0].InfoAsync("replication")).SelectMany(g => g)
            .Any(p => p.Key == "master_link_status" && p.Value == "up"), TimeSpan.FromSeconds(20), "the replica to sync with the primary");

        using var app = new TrackingApp(new()
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{_primaryPort},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000",
            ["Redis:AckReplicas"] = "1",
            ["Redis:AckTimeout"] = "00:00:00.300",
        });
        app.ExpectErrors("Tracking.Infrastructure.StoreUnavailableHandler", "the replica is frozen on purpose: writes it cannot confirm are refused with 503");
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var accepted = new ConcurrentBag<string>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var refusals = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));

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
                    refusals.Add($"{(int)response.StatusCode} retry-after={response.Headers.RetryAfter} {response.Content.Headers.ContentType?.MediaType}");
                    await Task.Delay(20); // pacing while refused, not a wait for anything
                }
            }
        })).ToList();

        try
        {
            await Eventually.UntilAsync(() => accepted.Count >= 50, TimeSpan.FromSeconds(30), "50 events accepted with the replica up", state: State);
            Signals.Send(_replica, "STOP");
            await Eventually.UntilAsync(() => statuses.Contains(HttpStatusCode.ServiceUnavailable), TimeSpan.FromSeconds(30), "a 503 while the replica is frozen", state: State);
            var frozenAt = accepted.Count;
            await Eventually.UntilAsync(() => statuses.Count(s => s == HttpStatusCode.ServiceUnavailable) >= 10, TimeSpan.FromSeconds(30), "ten 503s while frozen", state: State);
            // While frozen, nothing is acknowledged (at most the writes whose WAIT had confirmed just before).
            Assert.True(accepted.Count - frozenAt <= 4, $"{accepted.Count - frozenAt} events accepted while the replica was frozen");
            Signals.Send(_replica, "CONT");
            var thawedAt = accepted.Count;
            await Eventually.UntilAsync(() => accepted.Count >= thawedAt + 50, TimeSpan.FromSeconds(30), "50 more events accepted after the replica thawed", state: State);
        }
        finally
        {
            await stop.CancelAsync();
        }
        await Task.WhenAll(load);

        // Acknowledged means on the replica: read it there.
        var stored = (await replica.GetDatabase().SortedSetRangeByRankAsync(Keys.Events(sid)))
            .Select(v => JsonDocument.Parse(v.ToString()).RootElement.GetProperty("eventId").GetString()).ToHashSet();
        var missing = accepted.Where(id => !stored.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged events missing on the replica");
        Assert.DoesNotContain(HttpStatusCode.InternalServerError, statuses);
        Assert.All(refusals, r => Assert.Equal("503 retry-after=5 application/problem+json", r));

        string State() => $"{accepted.Count} accepted, {statuses.Count(s => s == HttpStatusCode.ServiceUnavailable)} answered 503";
    }

    /// <summary>
    /// The 2xx writes made of plain commands wait too: the Stripe webhook's conversion index and a visitor's erasure
    /// are answered 503 while the replica is frozen, and once it thaws their retries are answered 200 with the
    /// writes on the replica (read there).
    /// </summary>
    [LocalRedisFact]
    public async Task With_one_ack_replica_the_conversion_index_and_an_erasure_are_on_the_replica_when_answered_200()
    {
        using var replica = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_replicaPort},allowAdmin=true");
        await Eventually.UntilAsync(async () => (await replica.GetServers()[0].InfoAsync("replication")).SelectMany(g => g)
            .Any(p => p.Key == "master_link_status" && p.Value == "up"), TimeSpan.FromSeconds(20), "the replica to sync with the primary");
        using var app = DeliveryApp.CreateWithStripe(new()
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{_primaryPort},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000",
            ["Redis:AckReplicas"] = "1",
            ["Redis:AckTimeout"] = "00:00:00.300",
        });
        app.ExpectErrors("Tracking.Infrastructure.StoreUnavailableHandler", "the replica is frozen on purpose: writes it cannot confirm are refused with 503");
        var client = app.Browser();
        var created = await client.NewSessionAsync();
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        var paid = StripeMetadata.EchoingMetadata(app, "evt_paid", "checkout.session.completed", sid, "donor@example.com");
        var index = replica.GetDatabase();
        var ops = app.Ops();
        try
        {
            Signals.Send(_replica, "STOP");
            await AssertRefusedAsync(await app.DeliverWebhookAsync(paid));
            Signals.Send(_replica, "CONT");
            // Stripe's redelivery finds the conversion recorded (duplicate-event) and still indexes it, confirmed.
            Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
            var members = (await index.SetMembersAsync(Keys.VisitorIndex(visitor))).Select(m => m.ToString()).ToList();
            Assert.Contains(members, m => m.StartsWith($"c:{sid}:", StringComparison.Ordinal));
            Assert.Contains(members, m => m.StartsWith("e:", StringComparison.Ordinal));

            Signals.Send(_replica, "STOP");
            await AssertRefusedAsync(await ops.DeleteAsync($"/ops/visitors/{visitor}"));
            Signals.Send(_replica, "CONT");
            Assert.Equal(HttpStatusCode.OK, (await ops.DeleteAsync($"/ops/visitors/{visitor}")).StatusCode);
            Assert.False(await index.KeyExistsAsync(Keys.VisitorIndex(visitor)), "the visitor index is still on the replica");
            Assert.False(await index.KeyExistsAsync(Keys.Session(sid)), "the erased session is still on the replica");
        }
        finally
        {
            Signals.Send(_replica, "CONT");
        }

        static async Task AssertRefusedAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }
}
