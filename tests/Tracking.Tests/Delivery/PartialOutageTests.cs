using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Delivery;

/// <summary>
/// A destination partly down: entries that never reached it (open circuit) do not pile up backoff, and an attempt
/// answered too late is re-sent with the same event id and counted.
/// </summary>
public sealed class PartialOutageTests
{
    private static MetricCollector<long> Collect(DeliveryApp app, string instrument) =>
        new(app.Services.GetRequiredService<IMeterFactory>(), "Tracking", instrument);

    private static async Task PageViewAsync(DeliveryApp app, string eventId)
    {
        var client = app.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{id}}","event":"PageView","eventId":"{{eventId}}"}""")).StatusCode);
    }

    private static async Task<Dictionary<string, (long Tries, double Due)>> OutboxAsync(DeliveryApp app)
    {
        var db = app.Services.GetRequiredService<IDatabase>();
        var found = new Dictionary<string, (long, double)>(StringComparer.Ordinal);
        foreach (var tag in Partitions.Tags)
        {
            var tries = (await db.HashGetAllAsync(Keys.OutboxTries(tag))).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
            foreach (var due in await db.SortedSetRangeByRankWithScoresAsync(Keys.OutboxDue(tag)))
            {
                found[(string)due.Element!] = (tries.GetValueOrDefault((string)due.Element!), due.Score);
            }
        }
        return found;
    }

    [Fact]
    public async Task An_open_circuit_does_not_grow_the_backoff_of_entries_it_kept_from_the_destination()
    {
        // The circuit stays open (in real time) for the whole test; the outbox clock moves 31 s a round.
        await using var app = DeliveryApp.Create(new()
        {
            ["Delivery:Retries"] = "0",
            ["Delivery:CircuitBreakDuration"] = "00:10:00",
            ["PostHog:ApiKey"] = "",
        });
        app.ExpectDestinationFailures("Meta answers 503 on purpose until its circuit opens");
        using var retried = Collect(app, "tracking.delivery.retried");
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(503));
        for (var i = 0; i < 16; i++)
        {
            await PageViewAsync(app, $"pv{i}");
        }

        await app.RunUntilAsync(() => retried.GetMeasurementSnapshot().Any(m => (string?)m.Tags["kind"] == "circuit_open"), "Meta's circuit to open after its 503s");
        var reached = app.Calls(DeliveryApp.MetaPath).Count();
        await app.RunRoundsAsync(10);

        Assert.Equal(reached, app.Calls(DeliveryApp.MetaPath).Count()); // the circuit stayed open: nothing more reached Meta
        var outbox = await OutboxAsync(app);
        var meta = outbox.Where(e => e.Key.StartsWith("meta", StringComparison.Ordinal)).ToList();
        Assert.Equal(16, meta.Count);
        var now = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (id, (tries, due)) in meta)
        {
            // Only attempts that reached Meta count: at most the rounds before the circuit opened, never the 10 after.
            Assert.True(tries <= reached, $"{id}: {tries} leases counted, though Meta saw {reached} requests in all");
            // Due again within a base backoff (1 s here, ± 20 %), not the 30 s of Delivery:MaxBackoff.
            Assert.True(due - now <= 1_200, $"{id}: due {due - now} ms from now");
        }
    }

    [Fact]
    public async Task An_attempt_answered_too_late_is_resent_with_the_same_event_id_and_counted()
    {
        await using var app = DeliveryApp.Create(new()
        {
            ["Delivery:AttemptTimeout"] = "00:00:00.200",
            ["Delivery:Retries"] = "1",
            ["PostHog:ApiKey"] = "",
        });
        app.ExpectDestinationFailures("Meta answers too late on purpose");
        using var resent = Collect(app, "tracking.delivery.resent");
        var late = Guid.NewGuid();
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost()).WithGuid(late).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(1000).WithBodyAsJson(new { events_received = 1, messages = Array.Empty<string>(), fbtrace_id = "t" }));
        await PageViewAsync(app, "late-1");

        await app.RunRoundsAsync();
        var counted = 0L;
        long Counted() => resent.GetMeasurementSnapshot().Where(m => (string?)m.Tags["destination"] == "meta").Sum(m => m.Value);
        // The in-call retry after the first timeout, and the outbox's reschedule after the second.
        Assert.Equal(2, Counted());
        app.Stub.DeleteMapping(late);
        app.StubMetaOk();
        await app.RunUntilAsync(() => app.MetaEventsDelivered().Count >= 1, "the event delivered once Meta answers in time");

        List<string?> Sent() => app.Calls(DeliveryApp.MetaPath)
            .SelectMany(c => JsonDocument.Parse(c.RequestMessage.Body!).RootElement.GetProperty("data").EnumerateArray())
            .Select(e => e.GetProperty("event_id").GetString()).ToList();
        // The stub logs a late request once its delayed answer is written: wait for the three sends to be logged.
        await Eventually.UntilAsync(() => Sent().Count >= 3, TimeSpan.FromSeconds(10), "the two late sends and the delivered one logged by the stub");
        var sent = Sent();
        counted = Counted();
        Assert.All(sent, id => Assert.Equal("late-1", id));
        // Meta took every copy (the late ones too): one event_id, so Meta counts the event once.
        Assert.Equal(sent.Count, app.MetaEventsDelivered().Count);
        // Every send after the first followed an attempt that timed out: each is counted as a re-send.
        Assert.Equal(sent.Count - 1, counted);
    }
}
