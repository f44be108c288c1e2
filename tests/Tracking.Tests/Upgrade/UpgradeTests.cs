using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Donations;
using Tracking.Sessions;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Upgrade;

/// <summary>
/// <c>POST /ops/upgrade</c> on data written as earlier versions wrote it (<see cref="OldLayoutWriter"/>): old-layout
/// outbox entries reach each destination once after it, dead letters an old worker left without a body replay,
/// keys get their TTL, sessions and conversions their visitor index, and a second run changes nothing.
/// </summary>
public sealed class UpgradeTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create();
    private readonly OldLayoutWriter _old;

    public UpgradeTests() => _old = new OldLayoutWriter(_app.Db);

    public void Dispose() => _app.Dispose();

    private async Task<(string Sid, string Visitor, string Tag)> PageViewAsync(string eventId)
    {
        var client = _app.Browser();
        var session = await client.NewSessionAsync();
        var sid = session.GetProperty("sessionId").GetString()!;
        var response = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","eventId":"{{eventId}}","url":"https://film.example/"}]}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (sid, session.GetProperty("visitorId").GetString()!, Partitions.TagOf(sid));
    }

    private async Task<JsonElement> UpgradeAsync()
    {
        var response = await _app.Ops().PostAsync("/ops/upgrade", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task SecondRunChangesNothingAsync()
    {
        var again = await UpgradeAsync();
        Assert.Equal(0, again.GetProperty("outboxEntriesMoved").GetInt64());
        Assert.Equal(0, again.GetProperty("deadLettersGivenBodies").GetInt64());
        Assert.Equal(0, again.GetProperty("sessionsIndexed").GetInt64());
        Assert.Equal(0, again.GetProperty("conversionsIndexed").GetInt64());
        Assert.Equal(0, again.GetProperty("ttlsSet").GetInt64());
    }

    [Fact]
    public async Task An_entry_queued_under_its_own_id_before_sharing_is_moved_and_delivered_once_to_each_destination()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (sid, _, tag) = await PageViewAsync("pv-3");
        var meta = OutboxId.Of("meta", sid, "pv-3");
        var posthog = OutboxId.Of("posthog", sid, "pv-3");
        var stored = await _old.RequeuePerDestinationAsync(sid, "pv-3", _app.Clock.GetUtcNow().ToUnixTimeMilliseconds(), "meta", "posthog");
        Assert.Equal([meta, posthog], (await _app.OutboxItemsAsync(tag, sid)).Keys.Order(StringComparer.Ordinal));

        var result = await UpgradeAsync();

        Assert.Equal(2, result.GetProperty("outboxEntriesMoved").GetInt64());
        var items = await _app.OutboxItemsAsync(tag, sid);
        Assert.Equal([$"#{sid}:pv-3", $"{sid}:pv-3"], items.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(stored, items[$"{sid}:pv-3"]);
        Assert.Equal("2", items[$"#{sid}:pv-3"]);
        Assert.Equal([meta, posthog], await _app.OutboxDueAsync(tag, sid));
        await SecondRunChangesNothingAsync();

        await _app.RunUntilAsync(() => _app.MetaEventsDelivered().Count == 1 && _app.PostHogEventsDelivered().Count == 1, "both destinations get the moved entry");
        await _app.RunRoundsAsync(2);

        Assert.Single(_app.MetaEventsDelivered());
        Assert.Single(_app.PostHogEventsDelivered());
        Assert.Equal("pv-3", _app.MetaEventsDelivered()[0].GetProperty("event_id").GetString());
        Assert.Empty(await _app.OutboxItemsAsync(tag, sid));
        Assert.Empty(await _app.OutboxDueAsync(tag, sid));
    }

    [Fact]
    public async Task A_shared_entry_an_old_version_worker_dead_lettered_without_a_body_gets_its_body_and_replays()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (sid, _, tag) = await PageViewAsync("pv-4");
        var stored = (await _app.OutboxItemsAsync(tag, sid))[$"{sid}:pv-4"];
        var id = OutboxId.Of("meta", sid, "pv-4");
        await _old.DeadLetterUnreadableAsync(id, sid);
        await _app.RunUntilAsync(() => _app.PostHogEventsDelivered().Count == 1, "PostHog gets its copy meanwhile");
        Assert.Equal("1", (string?)await _app.Db.HashGetAsync(Keys.OutboxItems(tag), $"#{sid}:pv-4"));

        var result = await UpgradeAsync();

        Assert.Equal(1, result.GetProperty("deadLettersGivenBodies").GetInt64());
        Assert.Equal(stored, (string?)await _app.Db.HashGetAsync(Keys.OutboxDead(tag), id));
        Assert.Empty(await _app.OutboxItemsAsync(tag, sid));
        await SecondRunChangesNothingAsync();

        var store = _app.Services.GetRequiredService<OutboxStore>();
        Assert.Equal(1, await store.ReplayAsync(_app.Clock.GetUtcNow().ToUnixTimeMilliseconds(), [id]));
        await _app.RunUntilAsync(() => _app.MetaEventsDelivered().Count == 1, "the replayed Meta id reaches Meta");
        await _app.RunRoundsAsync(2);

        Assert.Single(_app.MetaEventsDelivered());
        Assert.Single(_app.PostHogEventsDelivered());
        Assert.Equal("pv-4", _app.MetaEventsDelivered()[0].GetProperty("event_id").GetString());
        Assert.Empty(await _app.OutboxItemsAsync(tag, sid));
        Assert.Empty(await _app.OutboxDueAsync(tag, sid));
        Assert.Empty(await _app.Db.HashKeysAsync(Keys.OutboxDead(tag)));
    }

    [Fact]
    public async Task An_old_layout_entry_dead_lettered_without_a_body_before_the_upgrade_gets_its_body()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var (sid, _, tag) = await PageViewAsync("pv-6");
        var meta = OutboxId.Of("meta", sid, "pv-6");
        var stored = await _old.RequeuePerDestinationAsync(sid, "pv-6", _app.Clock.GetUtcNow().ToUnixTimeMilliseconds(), "meta");
        // What the current worker does with it when the upgrade has not run: finds no shared entry, dead-letters the id
        // without a body, and leaves the old copy behind.
        await _old.DeadLetterUnreadableAsync(meta, sid);

        var result = await UpgradeAsync();

        Assert.Equal(1, result.GetProperty("deadLettersGivenBodies").GetInt64());
        Assert.Equal(stored, (string?)await _app.Db.HashGetAsync(Keys.OutboxDead(tag), meta));
        Assert.DoesNotContain(meta, (await _app.OutboxItemsAsync(tag, sid)).Keys);
        await SecondRunChangesNothingAsync();
    }

    [Fact]
    public async Task Keys_without_a_ttl_get_the_documented_one_and_a_visitor_without_an_index_gets_one()
    {
        var (sid, visitor, tag) = await PageViewAsync("pv-7");
        await _old.UnindexedWithoutTtlAsync(sid, visitor);
        var now = _app.Clock.GetUtcNow();
        var day = Aggregates.Day(now);
        await _old.UnindexedConversionAsync(sid, "cs_test_old", day, now.ToUnixTimeMilliseconds());
        Assert.All(OldLayoutWriter.SessionKeys(sid), key => Assert.Null(_app.Db.KeyTimeToLive(key)));
        Assert.Equal(0, (await _app.Ops().GetFromJsonAsync<JsonElement>($"/ops/visitors/{visitor}")).GetProperty("sessions").GetArrayLength());

        var result = await UpgradeAsync();

        Assert.Equal(0, result.GetProperty("outboxEntriesMoved").GetInt64()); // the event's entry is in the current layout
        Assert.Equal("2", (string?)await _app.Db.HashGetAsync(Keys.OutboxItems(tag), $"#{sid}:pv-7"));
        Assert.True(result.GetProperty("sessionsIndexed").GetInt64() >= 1);
        Assert.True(result.GetProperty("ttlsSet").GetInt64() >= OldLayoutWriter.SessionKeys(sid).Count() + 2);
        Assert.Equal(1, result.GetProperty("conversionsIndexed").GetInt64());
        var index = (await _app.Db.SetMembersAsync(Keys.VisitorIndex(visitor))).Select(m => m.ToString()).ToList();
        Assert.Contains(SessionStore.VisitMember(sid), index);
        Assert.Contains(DonationStore.ConversionMember(sid, day, "cs_test_old"), index);
        var reports = TimeSpan.FromSeconds(new RetentionOptions().Seconds);
        Assert.InRange(_app.Db.KeyTimeToLive(Keys.Conversions(tag, day))!.Value, reports - TimeSpan.FromMinutes(1), reports);
        Assert.InRange(_app.Db.KeyTimeToLive(Keys.VisitorIndex(visitor))!.Value, reports - TimeSpan.FromMinutes(1), reports);
        var sessionTtl = TimeSpan.FromDays(7);
        Assert.All(OldLayoutWriter.SessionKeys(sid), key => Assert.InRange(_app.Db.KeyTimeToLive(key)!.Value, sessionTtl - TimeSpan.FromMinutes(1), sessionTtl));
        Assert.InRange(_app.Db.KeyTimeToLive(Keys.Visitor(visitor))!.Value, new VisitorOptions().VisitorRetention - TimeSpan.FromMinutes(1), new VisitorOptions().VisitorRetention);
        var export = await _app.Ops().GetFromJsonAsync<JsonElement>($"/ops/visitors/{visitor}");
        Assert.Equal(sid, export.GetProperty("sessions")[0].GetProperty("sessionId").GetString());
        Assert.Equal(day, export.GetProperty("conversions")[0].GetProperty("day").GetString());
        await SecondRunChangesNothingAsync();
    }

    [Fact]
    public async Task The_upgrade_needs_the_ops_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().PostAsync("/ops/upgrade", null)).StatusCode);
    }
}
