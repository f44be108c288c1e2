using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Tracking.Tests.Support;

/// <summary>
/// For tests of real service processes (<see cref="ServiceProcess"/>): a Redis database of their own, Meta and PostHog
/// on one WireMock stub, and what the outbox and the stub hold. Strict, as DeliveryApp is: on dispose, a request no
/// mapping expected fails the test.
/// </summary>
public sealed class ProcessRig : IDisposable
{
    private const string MetaPath = "/v25.0/1234567890/events";
    private readonly WireMockServer _stub = WireMockServer.Start();
    private readonly int _database = TrackingApp.IsolatedDatabase();

    public IDatabase Db => RedisServer.Shared.Connection.GetDatabase(_database);

    /// <summary>The settings every process of the test starts with, plus <paramref name="extra"/>.</summary>
    public Dictionary<string, string> Settings(Dictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Redis:ConnectionString"] = RedisServer.Shared.ConnectionString + (RedisServer.Shared.IsCluster ? "" : $",defaultDatabase={_database}"),
            ["Meta:BaseUrl"] = _stub.Url!, ["Meta:PixelId"] = "1234567890", ["Meta:AccessToken"] = "token",
            ["PostHog:Host"] = _stub.Url!, ["PostHog:ApiKey"] = "phc_key",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Meta and PostHog accept every batch, each answer after <paramref name="delayMs"/>.</summary>
    public void StubDestinations(int delayMs)
    {
        _stub.Given(Request.Create().WithPath(MetaPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(delayMs).WithBodyAsJson(new { events_received = 1 }));
        _stub.Given(Request.Create().WithPath("/batch/").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(delayMs).WithBodyAsJson(new { status = 1 }));
    }

    /// <summary>Opens <paramref name="sessions"/> sessions, round robin over <paramref name="replicas"/>, and posts <paramref name="perSession"/> page views in each; returns their event ids.</summary>
    public static async Task<List<string>> PostEventsAsync(IReadOnlyList<ServiceProcess> replicas, int sessions, int perSession)
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

    /// <summary>Outbox entries due at least <paramref name="after"/> from now: leased (hidden) ones.</summary>
    public long DueLaterThan(TimeSpan after) => Partitions.Tags.Sum(tag => Db.SortedSetLength(
        Keys.OutboxDue(tag), DateTimeOffset.UtcNow.Add(after).ToUnixTimeMilliseconds(), double.PositiveInfinity));

    /// <summary>Outbox entries not yet settled, due or leased.</summary>
    public long Waiting() => Partitions.Tags.Sum(tag => Db.SortedSetLength(Keys.OutboxDue(tag)));

    /// <summary>The event id of every event Meta answered 200 for, a resent one as often as it was sent.</summary>
    public List<string> MetaEventIds() => _stub.LogEntries
        .Where(e => e.RequestMessage.Path == MetaPath && e.ResponseMessage.StatusCode is 200)
        .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("data").EnumerateArray())
        .Select(e => e.GetProperty("event_id").GetString()!).ToList();

    /// <summary>Requests Meta received, whatever it answered.</summary>
    public int MetaRequests() => _stub.LogEntries.Count(e => e.RequestMessage.Path == MetaPath);

    public void Dispose()
    {
        var unmatched = StrictStub.UnmatchedRequests(_stub);
        _stub.Stop();
        Assert.Empty(unmatched);
    }
}
