using System.Net;
using System.Text.Json;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Tracking.Tests.Faults;

/// <summary>Real service processes: one SIGKILLed mid-delivery and restarted; two replicas draining one Redis.</summary>
public sealed class ProcessFaultTests : IDisposable
{
    private readonly WireMockServer _stub = WireMockServer.Start();
    private readonly int _database = TrackingApp.IsolatedDatabase();

    /// <summary>Strict, as DeliveryApp is: a request no mapping expected fails the test.</summary>
    public void Dispose()
    {
        var unmatched = StrictStub.UnmatchedRequests(_stub);
        _stub.Stop();
        Assert.Empty(unmatched);
    }

    private Dictionary<string, string> Settings(string lease) => new()
    {
        ["Redis:ConnectionString"] = RedisServer.Shared.ConnectionString + (RedisServer.Shared.IsCluster ? "" : $",defaultDatabase={_database}"),
        ["Meta:BaseUrl"] = _stub.Url!, ["Meta:PixelId"] = "1234567890", ["Meta:AccessToken"] = "token",
        ["PostHog:Host"] = _stub.Url!, ["PostHog:ApiKey"] = "phc_key",
        ["Tracking:RateLimitPerMinute"] = "1000000",
        ["Tracking:OpsRateLimitPerMinute"] = "1000000",
        ["Tracking:NewSessionsPerMinute"] = "1000000",
        ["Delivery:Lease"] = lease, ["Delivery:AttemptTimeout"] = "00:00:03", ["Delivery:Retries"] = "0",
        ["Delivery:PollInterval"] = "00:00:00.100", ["Delivery:BaseBackoff"] = "00:00:00.200", ["Delivery:MaxBackoff"] = "00:00:01",
    };

    private void StubDestinations(int delayMs)
    {
        _stub.Given(Request.Create().WithPath("/v25.0/1234567890/events").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(delayMs).WithBodyAsJson(new { events_received = 1 }));
        _stub.Given(Request.Create().WithPath("/batch/").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(delayMs).WithBodyAsJson(new { status = 1 }));
    }

    private static async Task<List<string>> PostEventsAsync(IReadOnlyList<ServiceProcess> replicas, int sessions, int perSession)
    {
        var ids = new List<string>();
        for (var s = 0; s < sessions; s++)
        {
            using var http = new HttpClient { BaseAddress = new Uri(replicas[s % replicas.Count].Url) };
            http.DefaultRequestHeaders.UserAgent.ParseAdd(ApiCalls.IphoneSafari);
            var sid = (await http.NewSessionAsync()).GetProperty("sessionId").GetString()!;
            var events = Enumerable.Range(0, perSession).Select(i => $"p{s}-{i}").ToList();
            var body = string.Join(",", events.Select(e => $$"""{"event":"PageView","eventId":"{{e}}","url":"https://film.example/"}"""));
            Assert.Equal(HttpStatusCode.Accepted, (await http.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{{body}}]}""")).StatusCode);
            ids.AddRange(events);
        }
        return ids;
    }

    private List<string> MetaEventIds() => _stub.LogEntries
        .Where(e => e.RequestMessage.Path.EndsWith("/events", StringComparison.Ordinal) && e.ResponseMessage.StatusCode is 200)
        .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("data").EnumerateArray())
        .Select(e => e.GetProperty("event_id").GetString()!).ToList();

    [Fact]
    public async Task A_service_killed_mid_delivery_loses_nothing_after_restart()
    {
        StubDestinations(delayMs: 1500);
        var settings = Settings(lease: "00:00:07");
        using var first = await ServiceProcess.StartAsync(settings);
        var ids = await PostEventsAsync([first], sessions: 4, perSession: 25);

        // Wait until a batch is leased (due time pushed past now) while its slow request is in flight, then SIGKILL.
        var db = RedisServer.Shared.Connection.GetDatabase(_database);
        long Leased() => Tracking.Storage.Partitions.Tags.Sum(tag => db.SortedSetLength(
            Tracking.Storage.Keys.OutboxDue(tag), DateTimeOffset.UtcNow.AddSeconds(2).ToUnixTimeMilliseconds(), double.PositiveInfinity));
        // The count the wait saw is kept: reading it again (256 round trips) could outlast the lease it found.
        long leasedAtKill = 0;
        await Eventually.UntilAsync(() => (leasedAtKill = Leased()) > 0, TimeSpan.FromSeconds(20), "a batch leased while its slow request is in flight");
        first.Kill();
        Assert.True(leasedAtKill > 0, "the kill happened while a batch was leased");
        using var second = await ServiceProcess.StartAsync(settings);
        await Eventually.UntilAsync(() => !ids.Except(MetaEventIds()).Any(), TimeSpan.FromSeconds(40),
            "the restarted service to deliver every event to Meta", TimeSpan.FromMilliseconds(100), () => $"{ids.Except(MetaEventIds()).Count()} of {ids.Count} not delivered");

        var delivered = MetaEventIds();
        Assert.Empty(ids.Except(delivered));
        File.WriteAllText(Chromium.ArtifactPath("reliability-service-kill.txt"),
            $"events={ids.Count} leased_at_kill={leasedAtKill} delivered_distinct={delivered.Distinct().Count()} meta_sends={delivered.Count} duplicates_absorbed_by_event_id={delivered.Count - delivered.Distinct().Count()}\n");
    }

    [Fact]
    public async Task Two_replicas_draining_one_redis_deliver_every_event_exactly_once()
    {
        StubDestinations(delayMs: 50);
        var settings = Settings(lease: "00:00:30");
        using var a = await ServiceProcess.StartAsync(settings);
        using var b = await ServiceProcess.StartAsync(settings);

        var ids = await PostEventsAsync([a, b], sessions: 20, perSession: 20);
        await Eventually.UntilAsync(() => MetaEventIds().Count >= ids.Count, TimeSpan.FromSeconds(30),
            "the two replicas to send as many events to Meta as were posted", TimeSpan.FromMilliseconds(100), () => $"{MetaEventIds().Count} of {ids.Count} sent");

        var delivered = MetaEventIds();
        Assert.Equal(ids.Order(), delivered.Order());
        File.WriteAllText(Chromium.ArtifactPath("reliability-two-replicas.txt"),
            $"events={ids.Count} meta_sends={delivered.Count} duplicates=0 meta_requests={_stub.LogEntries.Count(e => e.RequestMessage.Path.EndsWith("/events", StringComparison.Ordinal))}\n");
    }
}
