using System.Net;
using System.Net.Http.Json;
using Tracking.Tests.Support;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

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
        // Destinations that take the request and do not answer until the test lets them (a fixed delay would have ended
        // before WireMock even logged the request, so the old version never posted while anything hung).
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = WireMockServer.Start();
        stub.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithCallback(async request =>
        {
            arrived.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new BodyData
                {
                    DetectedBodyType = BodyType.String,
                    BodyAsString = request.Path == DeliveryApp.MetaPath ? """{"events_received":1,"messages":[],"fbtrace_id":"trace"}""" : """{"status":1}""",
                },
            };
        }));
        using var app = DeliveryApp.Create(new() { ["Delivery:WorkerEnabled"] = "true", ["Delivery:PollInterval"] = "00:00:00.050" }, stub);
        var client = app.Browser();
        client.Timeout = TimeSpan.FromSeconds(10); // shorter than the hang: a hot path that waited for it fails here
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView","eventId":"first"}""");
        try
        {
            await Eventually.UntilAsync(() =>
            {
                app.Clock.Advance(TimeSpan.FromMilliseconds(100)); // the background worker polls on the fake clock
                return arrived.Task.IsCompleted;
            }, TimeSpan.FromSeconds(10), "the outbox worker's first request to reach a destination and hang there");

            var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView","eventId":"second"}""");

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal(1, (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accepted").GetInt32());
        }
        finally
        {
            release.TrySetResult();
        }
    }
}
