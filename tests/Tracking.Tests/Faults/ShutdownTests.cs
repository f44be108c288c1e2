using System.Net;
using System.Text.Json;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Tracking.Tests.Faults;

/// <summary>A replica SIGTERMed while its sends are in flight: it finishes them, or releases them when it cannot.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly WireMockServer _stub = WireMockServer.Start();
    private readonly int _database = TrackingApp.IsolatedDatabase();

    public void Dispose()
    {
        var unmatched = StrictStub.UnmatchedRequests(_stub);
        _stub.Stop();
        Assert.Empty(unmatched);
    }

    private StackExchange.Redis.IDatabase Db => RedisServer.Shared.Connection.GetDatabase(_database);

    private Dictionary<string, string> Settings(string shutdownTimeoutSeconds) => new()
    {
        ["Redis:ConnectionString"] = RedisServer.Shared.ConnectionString + (RedisServer.Shared.IsCluster ? "" : $",defaultDatabase={_database}"),
        ["Meta:BaseUrl"] = _stub.Url!, ["Meta:PixelId"] = "1234567890", ["Meta:AccessToken"] = "token",
        ["PostHog:Host"] = _stub.Url!, ["PostHog:ApiKey"] = "phc_key",
        // Ten minutes: an entry left leased would stay hidden far longer than any wait below.
        ["Delivery:Lease"] = "00:10:00", ["Delivery:AttemptTimeout"] = "00:00:30", ["Delivery:Retries"] = "0",
        ["Delivery:PollInterval"] = "00:00:00.100",
        ["DOTNET_shutdownTimeoutSeconds"] = shutdownTimeoutSeconds,
    };

    private void StubDestinations(int delayMs)
    {
        _stub.Given(Request.Create().WithPath("/v25.0/1234567890/events").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(delayMs).WithBodyAsJson(new { events_received = 20 }));
        _stub.Given(Request.Create().WithPath("/batch/").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(delayMs).WithBodyAsJson(new { status = 1 }));
    }

    private static async Task<List<string>> PostEventsAsync(ServiceProcess replica, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri(replica.Url) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(ApiCalls.IphoneSafari);
        var sid = (await http.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var ids = Enumerable.Range(0, count).Select(i => $"stop-{i}").ToList();
        var body = string.Join(",", ids.Select(e => $$"""{"event":"PageView","eventId":"{{e}}","url":"https://film.example/"}"""));
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{{body}}]}""")).StatusCode);
        return ids;
    }

    /// <summary>Entries whose due time is at least <paramref name="after"/> from now: leased (hidden) ones.</summary>
    private long DueLaterThan(TimeSpan after) => Tracking.Storage.Partitions.Tags.Sum(tag => Db.SortedSetLength(
        Tracking.Storage.Keys.OutboxDue(tag), DateTimeOffset.UtcNow.Add(after).ToUnixTimeMilliseconds(), double.PositiveInfinity));

    private long Waiting() => Tracking.Storage.Partitions.Tags.Sum(tag => Db.SortedSetLength(Tracking.Storage.Keys.OutboxDue(tag)));

    private List<string> MetaEventIds() => _stub.LogEntries
        .Where(e => e.RequestMessage.Path.EndsWith("/events", StringComparison.Ordinal) && e.ResponseMessage.StatusCode is 200)
        .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("data").EnumerateArray())
        .Select(e => e.GetProperty("event_id").GetString()!).ToList();

    [Fact]
    public async Task A_replica_stopped_mid_send_finishes_and_settles_the_send()
    {
        StubDestinations(delayMs: 4000);
        using var replica = await ServiceProcess.StartAsync(Settings(shutdownTimeoutSeconds: "30"));
        var ids = await PostEventsAsync(replica, 20);
        await Eventually.UntilAsync(() => DueLaterThan(TimeSpan.FromMinutes(1)) > 0, TimeSpan.FromSeconds(20), "a batch leased while its slow requests are in flight");

        Assert.Equal(0, replica.Terminate());

        // Every event reached Meta once, and the outbox knows it: nothing left leased to be sent again.
        Assert.Equal(ids.Order(), MetaEventIds().Order());
        Assert.Equal(0, Waiting());
    }

    [Fact]
    public async Task A_send_outliving_the_shutdown_timeout_releases_its_lease()
    {
        StubDestinations(delayMs: 8000);
        using var replica = await ServiceProcess.StartAsync(Settings(shutdownTimeoutSeconds: "1"));
        replica.ExpectErrors("Polly", "an abandoned send may be reported by the resilience pipeline");
        var ids = await PostEventsAsync(replica, 20);
        await Eventually.UntilAsync(() => DueLaterThan(TimeSpan.FromMinutes(1)) > 0, TimeSpan.FromSeconds(20), "a batch leased while its slow requests are in flight");

        Assert.Equal(0, replica.Terminate());

        // Both destinations' entries are still there, due now rather than hidden for the ten-minute lease.
        Assert.Equal(ids.Count * 2, Waiting());
        Assert.True(DueLaterThan(TimeSpan.FromMinutes(1)) == 0, $"{DueLaterThan(TimeSpan.FromMinutes(1))} entries still hidden by the lease; the replica logged:{Environment.NewLine}{replica.Output}");
    }
}
