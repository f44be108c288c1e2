using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Delivery;

/// <summary>
/// An event's outbox entry is stored once for all its destinations: one <c>items</c> field and a count
/// of the destinations still to settle it, one <c>due</c> id per destination. Each destination still succeeds,
/// retries and dead-letters on its own, and the entry lives exactly as long as one of them needs it.
/// </summary>
public sealed class SharedEntryTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create();

    public void Dispose() => _app.Dispose();

    private async Task<(string Sid, string Tag)> PageViewAsync(string eventId)
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var response = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","eventId":"{{eventId}}","url":"https://film.example/"}]}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (sid, Partitions.TagOf(sid));
    }

    [Fact]
    public async Task One_entry_serves_both_destinations_and_stays_until_the_slower_one_has_it()
    {
        _app.ExpectDestinationFailures("PostHog answers 500 on purpose while Meta takes the event");
        _app.StubMetaOk();
        var (sid, tag) = await PageViewAsync("pv-1");

        var items = await _app.OutboxItemsAsync(tag, sid);
        Assert.Equal([$"#{sid}:pv-1", $"{sid}:pv-1"], items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2", items[$"#{sid}:pv-1"]);
        Assert.Equal([$"meta:{sid}:pv-1", $"posthog:{sid}:pv-1"], await _app.OutboxDueAsync(tag, sid));

        var failing = Guid.NewGuid();
        _app.Stub.Given(Request.Create().WithPath(DeliveryApp.PostHogPath).UsingPost()).WithGuid(failing).AtPriority(1).RespondWith(Response.Create().WithStatusCode(500));
        await _app.Worker.DrainAllOnceAsync(CancellationToken.None);

        Assert.Single(_app.MetaEventsDelivered());
        Assert.Equal([$"posthog:{sid}:pv-1"], await _app.OutboxDueAsync(tag, sid));
        items = await _app.OutboxItemsAsync(tag, sid);
        Assert.Equal("1", items[$"#{sid}:pv-1"]);
        Assert.Contains("\"eventId\":\"pv-1\"", items[$"{sid}:pv-1"], StringComparison.Ordinal);

        _app.Stub.DeleteMapping(failing);
        _app.StubPostHogOk();
        await _app.RunUntilAsync(() => _app.PostHogEventsDelivered().Count == 1, "PostHog gets the event once it answers");

        Assert.Single(_app.MetaEventsDelivered());
        Assert.Empty(await _app.OutboxItemsAsync(tag, sid));
        Assert.Empty(await _app.OutboxDueAsync(tag, sid));
    }

    [Fact]
    public async Task A_dead_letter_keeps_its_copy_and_a_replay_shares_the_entry_again()
    {
        _app.ExpectDeadLetters("Meta refuses the event for its content on purpose");
        _app.StubPostHogOk();
        var refusing = Guid.NewGuid();
        _app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost()).WithGuid(refusing).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new { error = new { message = "Invalid parameter", type = "OAuthException", code = 100, error_subcode = 2804003 } }));
        var (sid, tag) = await PageViewAsync("pv-2");
        var stored = (await _app.OutboxItemsAsync(tag, sid))[$"{sid}:pv-2"];

        await _app.Worker.DrainAllOnceAsync(CancellationToken.None);

        Assert.Single(_app.PostHogEventsDelivered());
        Assert.Empty(await _app.OutboxItemsAsync(tag, sid));
        Assert.Equal(stored, (string?)await _app.Db.HashGetAsync(Keys.OutboxDead(tag), $"meta:{sid}:pv-2"));

        _app.Stub.DeleteMapping(refusing);
        _app.StubMetaOk();
        var store = _app.Services.GetRequiredService<OutboxStore>();
        Assert.Equal(1, await store.ReplayAsync(_app.Clock.GetUtcNow().ToUnixTimeMilliseconds(), [$"meta:{sid}:pv-2"]));
        var items = await _app.OutboxItemsAsync(tag, sid);
        Assert.Equal(stored, items[$"{sid}:pv-2"]);
        Assert.Equal("1", items[$"#{sid}:pv-2"]);

        await _app.RunUntilAsync(() => _app.MetaEventsDelivered().Count == 1, "the replayed event reaches Meta");
        Assert.Equal("pv-2", _app.MetaEventsDelivered()[0].GetProperty("event_id").GetString());
        Assert.Single(_app.PostHogEventsDelivered());
        Assert.Empty(await _app.OutboxItemsAsync(tag, sid));
        Assert.Empty(await _app.OutboxDueAsync(tag, sid));
    }

    [Fact]
    public async Task A_dead_letter_without_a_body_and_no_shared_entry_stays_dead()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (sid, tag) = await PageViewAsync("pv-5");
        await _app.RunUntilAsync(() => _app.MetaEventsDelivered().Count == 1 && _app.PostHogEventsDelivered().Count == 1, "both delivered");
        var id = $"meta:{sid}:pv-5";
        await _app.Db.HashSetAsync(Keys.OutboxDead(tag), id, "");

        var store = _app.Services.GetRequiredService<OutboxStore>();
        Assert.Equal(0, await store.ReplayAsync(_app.Clock.GetUtcNow().ToUnixTimeMilliseconds(), [id]));
        Assert.Empty(await _app.OutboxItemsAsync(tag, sid));
        Assert.Empty(await _app.OutboxDueAsync(tag, sid));
        Assert.Equal("", (string?)await _app.Db.HashGetAsync(Keys.OutboxDead(tag), id));
    }
}
