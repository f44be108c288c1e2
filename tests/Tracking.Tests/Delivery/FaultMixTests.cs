using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock;
using WireMock.Types;
using WireMock.Util;
using Xunit.Abstractions;

namespace Tracking.Tests.Delivery;

/// <summary>
/// A destination fault mix, on wall-clock time with the worker running: Meta answers 500 to 30 % of
/// requests and takes 10 % but answers only after the attempt timed out; PostHog answers 429 (Retry-After 2) to
/// 30 %. Every accepted event reaches both, nothing is dead-lettered, late answers are re-sent with the same
/// event_id. The delivery delays are measured and printed (docs/reliability.md), not asserted: no timed assertions.
/// </summary>
public sealed class FaultMixTests(ITestOutputHelper output)
{
    private static ResponseMessage Json(int status, string body, string? retryAfter = null)
    {
        var headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") };
        if (retryAfter is not null)
        {
            headers["Retry-After"] = new(retryAfter);
        }
        return new ResponseMessage { StatusCode = status, Headers = headers, BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body } };
    }

    [LocalRedisFact]
    public async Task Under_500s_hangs_and_429s_every_event_reaches_both_and_nothing_is_dead_lettered()
    {
        await using var app = DeliveryApp.Create(new()
        {
            ["Delivery:WorkerEnabled"] = "true",
            ["Delivery:PollInterval"] = "00:00:00.100",
            ["Delivery:AttemptTimeout"] = "00:00:02",
            ["Delivery:Retries"] = "1",
            ["Delivery:BaseBackoff"] = "00:00:01",
            ["Delivery:MaxBackoff"] = "00:00:30",
            ["Delivery:CircuitBreakDuration"] = "00:00:01",
        }, realClock: true);
        app.ExpectDestinationFailures("Meta's 500s and timeouts and PostHog's 429s are the point of the test");
        app.ExpectErrors(r => r.Category is { } c && c.StartsWith("Tracking.Delivery", StringComparison.Ordinal) && r.Level == Microsoft.Extensions.Logging.LogLevel.Error && !r.Message.Contains("dead", StringComparison.OrdinalIgnoreCase),
            "failed sends are logged; a dead letter would still fail the test below");
        int meta = 0, posthog = 0;
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost()).RespondWith(Response.Create().WithCallback(async _ =>
        {
            var n = Interlocked.Increment(ref meta) % 10;
            if (n is 1 or 4 or 7)
            {
                return Json(500, """{"error":{"message":"unknown","type":"FacebookApiException","code":1}}""");
            }
            if (n == 9)
            {
                await Task.Delay(TimeSpan.FromSeconds(4)); // Meta took the batch; its answer comes after our 2 s attempt timeout
            }
            return Json(200, """{"events_received":1,"messages":[],"fbtrace_id":"t"}""");
        }));
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.PostHogPath).UsingPost()).RespondWith(Response.Create().WithCallback(_ =>
            Interlocked.Increment(ref posthog) % 10 is 2 or 5 or 8 ? Json(429, """{"type":"rate_limited"}""", "2") : Json(200, """{"status":1}""")));

        var accepted = new ConcurrentDictionary<string, DateTime>();
        var byUuid = new ConcurrentDictionary<string, string>(); // PostHog's stable uuid → our event id
        await Parallel.ForEachAsync(Enumerable.Range(0, 6), async (visitor, ct) =>
        {
            var client = app.Browser();
            var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
            for (var i = 0; i < 50; i++)
            {
                var id = $"v{visitor}-e{i}";
                var sent = DateTime.UtcNow;
                var response = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"{{id}}"}""");
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                accepted[id] = sent;
                byUuid[Tracking.Infrastructure.Hashing.StableUuid($"{sid}:{id}").ToString()] = id;
                await Task.Delay(20, ct);
            }
        });

        Dictionary<string, DateTime> FirstDelivery(string path, string array) => app.Calls(path)
            .Where(e => e.ResponseMessage.StatusCode is int code && code is >= 200 and < 300)
            .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty(array).EnumerateArray()
                .Select(x => (Id: path == DeliveryApp.MetaPath ? x.GetProperty("event_id").GetString()! : byUuid[x.GetProperty("uuid").GetString()!], At: e.RequestMessage.DateTime)))
            .GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.Min(x => x.At));
        await Eventually.UntilAsync(() => Task.FromResult(accepted.Keys.All(FirstDelivery(DeliveryApp.MetaPath, "data").ContainsKey) && accepted.Keys.All(FirstDelivery(DeliveryApp.PostHogPath, "batch").ContainsKey)),
            TimeSpan.FromMinutes(3), "every accepted event at Meta and at PostHog",
            state: () => $"Meta {FirstDelivery(DeliveryApp.MetaPath, "data").Count}, PostHog {FirstDelivery(DeliveryApp.PostHogPath, "batch").Count} of {accepted.Count}");

        var dead = JsonDocument.Parse(await app.Ops().GetStringAsync("/ops/deliveries?state=dead")).RootElement.GetProperty("count").GetInt32();
        Assert.Equal(0, dead);
        var p90 = new Dictionary<string, double>();
        foreach (var (name, path, array) in new[] { ("Meta", DeliveryApp.MetaPath, "data"), ("PostHog", DeliveryApp.PostHogPath, "batch") })
        {
            var delivered = FirstDelivery(path, array);
            var delays = accepted.Select(a => (delivered[a.Key] - a.Value).TotalSeconds).Order().ToList();
            p90[name] = delays[delays.Count * 9 / 10];
            output.WriteLine($"{name}: {accepted.Count} events, delay p50 {delays[delays.Count / 2]:F1} s, p90 {p90[name]:F1} s, max {delays[^1]:F1} s; {app.Calls(path).Count()} requests");
        }
        // Copies of an event_id Meta received after its first (batches answered after the attempt timeout, re-sent
        // with the same event_id, which Meta deduplicates): what tracking.delivery.resent counts.
        var resent = app.Calls(DeliveryApp.MetaPath)
            .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("data").EnumerateArray().Select(x => x.GetProperty("event_id").GetString()))
            .GroupBy(id => id).Sum(g => g.Count() - 1);
        output.WriteLine($"Meta: {resent} re-sent copies of {accepted.Count} events");
        // The goal is p90 < 30 s and a healthy run takes a few seconds. Twice the goal is asserted, so a loaded 2-core
        // box does not flake while a worker that backs off for minutes still fails.
        Assert.True(p90["Meta"] < 60, $"Meta delivery p90 {p90["Meta"]:F1} s (the goal: under 30 s)");
    }
}
