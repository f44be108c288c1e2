using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Tests.Support;
using WireMock.Matchers;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.TikTok;

/// <summary>TikTok refusing one event, failing, throttling: the bad event is dead-lettered alone, the rest arrive once.</summary>
public sealed class TikTokErrorTests
{
    private static async Task<(HttpClient Client, string Sid)> SessionAsync(DeliveryApp app)
    {
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(url: "https://film.example/watch?ttclid=E.C.P.Xy12",
            extra: new { consent = new { analytics = "granted", marketing = "granted" } })).GetProperty("sessionId").GetString()!;
        return (client, sid);
    }

    private static async Task ViewsAsync(HttpClient client, string sid, params string[] eventIds)
    {
        var events = string.Join(",", eventIds.Select(e => $$"""{"event":"ViewContent","eventId":"{{e}}","url":"https://film.example/watch"}"""));
        var response = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{{events}}]}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static DeliveryApp App(TikTokStandIn tiktok)
    {
        var app = DeliveryApp.Create(tiktok.Settings());
        app.StubMetaOk();
        app.StubPostHogOk();
        return app;
    }

    private static IEnumerable<string> Ids(IEnumerable<JsonElement> events) => events.Select(e => e.GetProperty("event_id").GetString()!);

    [Fact]
    public async Task An_event_tiktok_refuses_is_dead_lettered_alone_and_the_others_arrive()
    {
        using var tiktok = new TikTokStandIn();
        tiktok.AnswerOk();
        // TikTok refuses a whole request over one bad event, answering HTTP 200 with a parameter error code.
        tiktok.Stub.Given(TikTokStandIn.Track().WithBody(new WildcardMatcher("*\"event_id\":\"vc-bad\"*"))).AtPriority(1)
            .RespondWith(TikTokStandIn.Answer(40002, "Invalid parameter: data[1].properties.value"));
        using var app = App(tiktok);
        app.ExpectDeadLetters("TikTok refuses vc-bad on purpose");
        var (client, sid) = await SessionAsync(app);
        await ViewsAsync(client, sid, "vc-1", "vc-bad", "vc-3");

        await app.RunRoundsAsync(2);

        Assert.Equal(["vc-1", "vc-3"], Ids(tiktok.Delivered()).Order());
        var dead = await app.Ops().GetFromJsonAsync<JsonElement>("/ops/deliveries?state=dead");
        var item = Assert.Single(dead.GetProperty("items").EnumerateArray());
        Assert.Equal("tiktok", item.GetProperty("destination").GetString());
        Assert.Equal("vc-bad", item.GetProperty("entry").GetProperty("eventId").GetString());
        Assert.Contains("40002", item.GetProperty("failure").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_500_a_429_and_tiktoks_rate_limit_code_are_retried_and_the_event_arrives_once_with_its_id()
    {
        using var tiktok = new TikTokStandIn();
        tiktok.AnswerOk();
        using var app = App(tiktok);
        app.ExpectDestinationFailures("TikTok answers 500, then 429, on purpose");
        var (client, sid) = await SessionAsync(app);
        await ViewsAsync(client, sid, "vc-1");

        var failing = Guid.NewGuid();
        tiktok.Stub.Given(TikTokStandIn.Track()).WithGuid(failing).AtPriority(1).RespondWith(Response.Create().WithStatusCode(500));
        await app.Worker.DrainAllOnceAsync(CancellationToken.None);
        tiktok.Stub.Given(TikTokStandIn.Track()).WithGuid(failing).AtPriority(1).RespondWith(Response.Create().WithStatusCode(429));
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.Worker.DrainAllOnceAsync(CancellationToken.None);
        tiktok.Stub.Given(TikTokStandIn.Track()).WithGuid(failing).AtPriority(1).RespondWith(TikTokStandIn.Answer(40100, "Too many requests"));
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.Worker.DrainAllOnceAsync(CancellationToken.None);
        Assert.Empty(tiktok.Delivered());
        tiktok.Stub.DeleteMapping(failing);

        await app.RunUntilAsync(() => tiktok.Delivered().Count >= 1, "vc-1 delivered to TikTok after the failures");

        Assert.Equal(["vc-1"], Ids(tiktok.Delivered()));
        Assert.All(tiktok.Requests(), r => Assert.Equal(["vc-1"], Ids(r.GetProperty("data").EnumerateArray())));
        Assert.True(tiktok.Requests().Count >= 4, $"{tiktok.Requests().Count} requests");
        Assert.Equal(0, (await app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth);
    }
}
