using System.Net;
using System.Net.Http.Json;
using Tracking.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Tracking.Tests.Delivery;

public sealed class HotPathTests
{
    [Fact]
    public async Task Posting_events_makes_no_outbound_call()
    {
        using var app = DeliveryApp.Create();
        var client = app.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(app.Stub.LogEntries);
    }

    [Fact]
    public async Task The_202_arrives_while_meta_and_posthog_hang()
    {
        var stub = WireMockServer.Start();
        stub.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(4)));
        using var app = DeliveryApp.Create(new() { ["Delivery:WorkerEnabled"] = "true", ["Delivery:PollInterval"] = "00:00:00.050" }, stub);
        var client = app.Browser();
        client.Timeout = TimeSpan.FromSeconds(10);
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView","eventId":"first"}""");
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        while (!stub.LogEntries.Any())
        {
            await Task.Delay(20);
            app.Clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView","eventId":"second"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accepted").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key")]
    [InlineData("ops-key-0123456789abcdef0123456789")]
    public async Task Ops_endpoints_refuse_a_missing_or_wrong_key(string? authorization)
    {
        using var app = DeliveryApp.Create();
        var client = app.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var list = await client.GetAsync("/ops/deliveries?state=dead");
        var replay = await client.PostAsync("/ops/deliveries/replay", null);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        await list.ProblemAsync();
    }

    [Fact]
    public async Task Ops_endpoints_are_disabled_without_a_configured_key()
    {
        using var app = new TrackingApp();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("Authorization", "Bearer ");

        var response = await client.GetAsync("/ops/deliveries?state=dead");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
