using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Delivery;

/// <summary>
/// Requests are full: entries leased from many partitions are sent to each destination in requests of exactly
/// Delivery:BatchSize events, the remainder carried to the next partitions' entries instead of going out as a small
/// request (with 256 partitions a deep queue holds only a few hundred entries per partition).
/// </summary>
public sealed class RequestFillTests
{
    [Fact]
    public async Task Entries_spread_over_many_partitions_go_out_in_full_requests_and_once_each()
    {
        using var app = DeliveryApp.Create(new() { ["Delivery:BatchSize"] = "10", ["Delivery:Parallelism"] = "3" });
        app.StubMetaOk();
        app.StubPostHogOk();
        var sessions = new List<string>();
        var client = app.Browser();
        // 47 sessions with one PageView each: spread over ~47 partitions, two outbox ids (Meta, PostHog) in each.
        for (var i = 0; i < 47; i++)
        {
            var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
            sessions.Add(sid);
            var response = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","eventId":"e{{i}}","url":"https://film.example/"}]}""");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        Assert.True(sessions.Select(Partitions.Of).Distinct().Count() > 30, "the sessions spread over many partitions");

        await app.Worker.DrainAllOnceAsync(CancellationToken.None);

        var metaSizes = Sizes(app, DeliveryApp.MetaPath, "data");
        var postHogSizes = Sizes(app, DeliveryApp.PostHogPath, "batch");
        // 47 events: four full requests of 10 and the remainder of 7, per destination.
        Assert.Equal([10, 10, 10, 10, 7], metaSizes);
        Assert.Equal([10, 10, 10, 10, 7], postHogSizes);
        Assert.Equal(47, app.MetaEventsDelivered().Select(e => e.GetProperty("event_id").GetString()).Distinct().Count());
        Assert.Equal(0, (await app.Services.GetRequiredService<Tracking.Delivery.OutboxStore>().DepthAsync()).Depth);
    }

    private static List<int> Sizes(DeliveryApp app, string path, string array) =>
        [.. app.Calls(path).Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty(array).GetArrayLength()).OrderDescending()];
}
