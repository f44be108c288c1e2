using System.Text.Json;
using StackExchange.Redis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Tracking.Storage;

namespace Tracking.Tests.Support;

/// <summary>
/// What every Redis failover test shares: the service in-process against a given topology with its outbox worker
/// running on real time, Meta and PostHog on one strict WireMock stub, and the two counts the tests assert —
/// acknowledged events missing from Redis and acknowledged events Meta never received.
/// </summary>
public sealed class FailoverRig : IAsyncDisposable
{
    private readonly WireMockServer _stub = WireMockServer.Start();

    public FailoverRig(string connectionString, int ackReplicas, string because)
    {
        _stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { events_received = 1 }));
        _stub.Given(Request.Create().WithPath(DeliveryApp.PostHogPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { status = 1 }));
        App = new TrackingApp(new()
        {
            ["Redis:ConnectionString"] = connectionString,
            ["Redis:AckReplicas"] = ackReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Redis:AckTimeout"] = "00:00:00.500",
            ["Meta:BaseUrl"] = _stub.Url, ["Meta:PixelId"] = "1234567890", ["Meta:AccessToken"] = "token",
            ["PostHog:Host"] = _stub.Url, ["PostHog:ApiKey"] = "phc_key",
            ["Delivery:PollInterval"] = "00:00:00.100", ["Delivery:BaseBackoff"] = "00:00:00.200", ["Delivery:MaxBackoff"] = "00:00:01",
            ["Tracking:MaxEventsPerSession"] = "100000", // one session per visitor for the whole run
            ["Delivery:Lease"] = "00:00:07", ["Delivery:AttemptTimeout"] = "00:00:03", ["Delivery:Retries"] = "0",
        });
        // Every request Redis cannot serve during the fault is answered 503 and logged at Error, as is every outbox
        // round (lease, settle) that fails on the lost connection.
        App.ExpectErrors("Tracking.Infrastructure.StoreUnavailableHandler", because);
        App.ExpectErrors("Tracking.Delivery", because);
    }

    public TrackingApp App { get; }

    /// <summary>Acknowledged events not in their session's event set on <paramref name="redis"/> (the primary after the fault).</summary>
    public static async Task<List<string>> MissingAsync(RetryingLoad load, IDatabase redis)
    {
        var missing = new List<string>();
        foreach (var session in load.Accepted.GroupBy(a => a.Session))
        {
            var stored = (await redis.SortedSetRangeByRankAsync(Keys.Events(session.Key)))
                .Select(v => JsonDocument.Parse(v.ToString()).RootElement.GetProperty("eventId").GetString()).ToHashSet();
            missing.AddRange(session.Where(a => !stored.Contains(a.EventId)).Select(a => a.EventId));
        }
        return missing;
    }

    /// <summary>Acknowledged event ids Meta has not received (yet).</summary>
    public List<string> Undelivered(RetryingLoad load)
    {
        var delivered = _stub.LogEntries
            .Where(e => e.RequestMessage.Path == DeliveryApp.MetaPath && e.ResponseMessage.StatusCode is 200)
            .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("data").EnumerateArray())
            .Select(e => e.GetProperty("event_id").GetString()!).ToHashSet();
        return load.Accepted.Select(a => a.EventId).Where(id => !delivered.Contains(id)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.DisposeAsync();
        }
        finally
        {
            var unmatched = StrictStub.UnmatchedRequests(_stub);
            _stub.Stop();
            Assert.Empty(unmatched);
        }
    }
}
