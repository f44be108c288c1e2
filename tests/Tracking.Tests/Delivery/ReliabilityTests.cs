using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Delivery;

/// <summary>Destinations down, slow, rate-limiting or refusing: delivery is delayed, never lost, never doubled.</summary>
public sealed class ReliabilityTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create();

    public void Dispose() => _app.Dispose();

    private async Task<(HttpClient Client, string Id)> SessionAsync(object? extra = null, string ua = ApiCalls.IphoneSafari)
    {
        var client = _app.Browser(ua);
        return (client, (await client.NewSessionAsync(extra: extra)).GetProperty("sessionId").GetString()!);
    }

    private static async Task PageViewsAsync(HttpClient client, string id, params string[] eventIds)
    {
        var events = string.Join(",", eventIds.Select(e => $$"""{"event":"PageView","eventId":"{{e}}","url":"https://film.example/"}"""));
        var response = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{id}}","events":[{{events}}]}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static IEnumerable<string> Ids(IEnumerable<JsonElement> events, string field) => events.Select(e => e.GetProperty(field).GetString()!);

    [Fact]
    public async Task Server_errors_and_429_with_retry_after_are_retried_until_everything_arrives_once()
    {
        _app.ExpectDestinationFailures("both destinations answer 500, then 429, on purpose");
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (client, id) = await SessionAsync();
        await PageViewsAsync(client, id, "a", "b", "c");

        var failing = Guid.NewGuid();
        _app.Stub.Given(Request.Create().UsingPost()).WithGuid(failing).AtPriority(1).RespondWith(Response.Create().WithStatusCode(500));
        await _app.Worker.DrainAllOnceAsync(CancellationToken.None);
        _app.Stub.Given(Request.Create().UsingPost()).WithGuid(failing).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "20"));
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        await _app.Worker.DrainAllOnceAsync(CancellationToken.None);
        var failures = _app.Stub.LogEntries.Count;
        _app.Stub.DeleteMapping(failing);

        await _app.Worker.DrainAllOnceAsync(CancellationToken.None);
        Assert.Equal(failures, _app.Stub.LogEntries.Count); // Retry-After 20 s is honoured: nothing is due yet
        await _app.RunUntilAsync(() => _app.MetaEventsDelivered().Count >= 3 && _app.PostHogEventsDelivered().Count >= 3, "all 3 events delivered to Meta and to PostHog after the failures");

        Assert.Equal(["a", "b", "c"], Ids(_app.MetaEventsDelivered(), "event_id").Order());
        Assert.Equal(3, _app.PostHogEventsDelivered().Count);
        Assert.Equal(0, (await _app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth);
    }

    [Fact]
    public async Task A_destination_down_for_hours_loses_nothing()
    {
        _app.ExpectDestinationFailures("both destinations answer 503 for three simulated hours, which also opens the circuits");
        var outage = Guid.NewGuid();
        _app.Stub.Given(Request.Create().UsingPost()).WithGuid(outage).AtPriority(1).RespondWith(Response.Create().WithStatusCode(503));
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (client, id) = await SessionAsync();
        var ids = Enumerable.Range(0, 40).Select(i => $"e{i}").ToArray();
        await PageViewsAsync(client, id, ids[..20]);
        await PageViewsAsync(client, id, ids[20..]);

        // 3 simulated hours of outage: every round fails and reschedules.
        for (var hour = 0; hour < 3 * 60; hour += 10)
        {
            await _app.Worker.DrainAllOnceAsync(CancellationToken.None);
            _app.Clock.Advance(TimeSpan.FromMinutes(10));
        }
        var store = _app.Services.GetRequiredService<OutboxStore>();
        Assert.Equal(80, (await store.DepthAsync()).Depth);
        Assert.Empty(await store.ListAsync(DeliveryState.Dead, 10));

        _app.Stub.DeleteMapping(outage);
        await _app.RunUntilAsync(() => _app.MetaEventsDelivered().Count >= 40 && _app.PostHogEventsDelivered().Count >= 40, "all 40 events delivered to Meta and to PostHog once the outage ends");

        Assert.Equal(ids.Order(), Ids(_app.MetaEventsDelivered(), "event_id").Order());
        Assert.Equal(40, _app.PostHogEventsDelivered().Count);
        Assert.Equal(0, (await store.DepthAsync()).Depth);
    }

    [Fact]
    public async Task One_invalid_event_is_dead_lettered_alone_and_can_be_replayed()
    {
        _app.ExpectDeadLetters("Meta refuses bad-1 with a 400 on purpose, so it is dead-lettered");
        var bad = Guid.NewGuid();
        _app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).WithBody(new WireMock.Matchers.WildcardMatcher("*\"event_id\":\"bad-1\"*")).UsingPost()).WithGuid(bad).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new { error = new { message = "Invalid parameter", type = "OAuthException", code = 100, error_subcode = 2804003, fbtrace_id = "x" } }));
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (client, id) = await SessionAsync();
        await PageViewsAsync(client, id, "ok-1", "ok-2", "bad-1", "ok-3", "ok-4");

        await _app.RunRoundsAsync(2);

        Assert.Equal(["ok-1", "ok-2", "ok-3", "ok-4"], Ids(_app.MetaEventsDelivered(), "event_id").Order());
        var ops = _app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        var dead = await ops.GetFromJsonAsync<JsonElement>("/ops/deliveries?state=dead");
        var letter = Assert.Single(dead.GetProperty("items").EnumerateArray());
        Assert.Equal("meta", letter.GetProperty("destination").GetString());
        Assert.Equal("bad-1", letter.GetProperty("entry").GetProperty("eventId").GetString());
        Assert.Contains("Invalid parameter", letter.GetProperty("failure").GetProperty("reason").GetString(), StringComparison.Ordinal);

        _app.Stub.DeleteMapping(bad);
        var replay = await ops.PostAsync("/ops/deliveries/replay", null);
        Assert.Equal(1, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("replayed").GetInt64());
        await _app.RunRoundsAsync();

        Assert.Contains("bad-1", Ids(_app.MetaEventsDelivered(), "event_id"));
        Assert.Empty((await ops.GetFromJsonAsync<JsonElement>("/ops/deliveries?state=dead")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_batch_leased_by_a_worker_that_died_is_delivered_by_another_after_the_lease()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (client, id) = await SessionAsync();
        await PageViewsAsync(client, id, "x1", "x2");
        var store = _app.Services.GetRequiredService<OutboxStore>();
        var now = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var partition = Partitions.Of(id);

        // A worker leases the batch and dies before sending or settling.
        var leased = await store.LeaseAsync(partition, now, now + 60_000, 1000);
        Assert.Equal(4, leased.Count);
        await _app.Worker.DrainAllOnceAsync(CancellationToken.None);
        Assert.Empty(_app.Stub.LogEntries);

        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        await _app.Worker.DrainAllOnceAsync(CancellationToken.None);

        Assert.Equal(["x1", "x2"], Ids(_app.MetaEventsDelivered(), "event_id").Order());
        Assert.Equal(2, _app.PostHogEventsDelivered().Count);
    }

    [Fact]
    public async Task Two_workers_draining_together_never_send_the_same_event_twice()
    {
        _app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(100).WithBodyAsJson(new { events_received = 1 }));
        _app.Stub.Given(Request.Create().WithPath(DeliveryApp.PostHogPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(100).WithBodyAsJson(new { status = 1 }));
        var expected = new List<string>();
        for (var s = 0; s < 12; s++)
        {
            var (client, id) = await SessionAsync();
            var ids = Enumerable.Range(0, 5).Select(i => $"s{s}-e{i}").ToArray();
            await PageViewsAsync(client, id, ids);
            expected.AddRange(ids);
        }
        var second = ActivatorUtilities.CreateInstance<OutboxWorker>(_app.Services);

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(_app.Worker.DrainAllOnceAsync(CancellationToken.None), second.DrainAllOnceAsync(CancellationToken.None));
        }

        var sent = Ids(_app.MetaEventsDelivered(), "event_id").ToList();
        Assert.Equal(expected.Order(), sent.Order());
        Assert.Equal(60, _app.PostHogEventsDelivered().Count);
    }

    [Fact]
    public async Task Consent_and_bot_rules_decide_what_each_destination_gets()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (c1, noMarketing) = await SessionAsync(new { consent = new { analytics = "granted", marketing = "denied" } });
        var (c2, noAnalytics) = await SessionAsync(new { consent = new { analytics = "denied", marketing = "granted" } });
        var (c3, bot) = await SessionAsync(ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        await PageViewsAsync(c1, noMarketing, "no-marketing");
        await PageViewsAsync(c2, noAnalytics, "no-analytics");
        await PageViewsAsync(c3, bot, "bot");

        await _app.RunRoundsAsync();

        Assert.Equal(["no-analytics"], Ids(_app.MetaEventsDelivered(), "event_id"));
        // Each PostHog event names the session and event it came from: only the session that denied marketing (not analytics) is there.
        Assert.Equal([(noMarketing, "PageView")], _app.PostHogEventsDelivered().Select(e => e.GetProperty("properties")).Select(p =>
            (p.GetProperty("tracking_session_id").GetString(), p.GetProperty("tracking_event").GetString())));
        Assert.Equal(0, (await _app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth);
    }

    [Fact]
    public async Task Events_older_than_metas_seven_day_limit_are_dead_lettered_not_sent()
    {
        _app.ExpectDestinationFailures("both destinations answer 503 in the first round so the event waits");
        _app.ExpectDeadLetters("the event is 8 days old when Meta is back, past its 7-day limit: dead-lettering it is the point");
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var outage = Guid.NewGuid();
        _app.Stub.Given(Request.Create().UsingPost()).WithGuid(outage).AtPriority(1).RespondWith(Response.Create().WithStatusCode(503));
        var (client, id) = await SessionAsync();
        await PageViewsAsync(client, id, "old");
        await _app.RunRoundsAsync();

        _app.Clock.Advance(TimeSpan.FromDays(8));
        _app.Stub.DeleteMapping(outage);
        await _app.RunRoundsAsync();

        Assert.Empty(_app.MetaEventsDelivered());
        Assert.Single(_app.PostHogEventsDelivered());
        var dead = await _app.Services.GetRequiredService<OutboxStore>().ListAsync(DeliveryState.Dead, 10);
        Assert.Contains("7-day", Assert.Single(dead).Reason!.Reason, StringComparison.Ordinal);
    }
}
