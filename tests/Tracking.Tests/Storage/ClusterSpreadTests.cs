using System.Net;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Storage;

/// <summary>On a Redis Cluster the sessions and the outbox spread over every master, and every master's outbox drains.</summary>
public sealed class ClusterSpreadTests
{
    [ClusterFact]
    public async Task Sessions_and_outbox_entries_land_on_every_master_and_all_of_them_are_drained()
    {
        using var app = DeliveryApp.Create();
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        for (var i = 0; i < 300; i++)
        {
            var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{id}}","event":"PageView","eventId":"pv{{i}}"}""")).StatusCode);
        }
        var masters = RedisServer.Shared.Masters.ToList();
        Assert.True(masters.Count >= 6, $"the cluster run uses 6 masters, found {masters.Count}");
        Assert.All(masters, m => Assert.NotEmpty(m.Keys(0, Keys.OutboxDue("*"))));
        Assert.All(masters, m => Assert.NotEmpty(m.Keys(0, Keys.Session("*"))));

        await app.RunUntilAsync(() => app.MetaEventsDelivered().Count >= 300 && app.PostHogEventsDelivered().Count >= 300, "300 PageViews delivered from every master");

        Assert.All(masters, m => Assert.Empty(m.Keys(0, Keys.OutboxDue("*"))));
        Assert.Equal(300, app.MetaEventsDelivered().Select(e => e.GetProperty("event_id").GetString()).Distinct().Count());
    }
}
