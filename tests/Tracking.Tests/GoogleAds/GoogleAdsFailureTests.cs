using Tracking.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Tracking.GoogleAds;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static Tracking.Tests.GoogleAds.GoogleAdsJourney;

namespace Tracking.Tests.GoogleAds;

/// <summary>Google refusing, failing and processing badly: isolation, retries with the same ids, processing results.</summary>
public sealed class GoogleAdsFailureTests
{
    [Fact]
    public async Task An_invalid_event_is_isolated_and_dead_lettered_alone_and_the_ops_view_lists_it_under_googleads()
    {
        using var rig = new GoogleAdsRig();
        var app = rig.App;
        app.ExpectDeadLetters("Google refuses one event on purpose");
        app.Stub.Given(Request.Create().WithPath(GoogleAdsRig.IngestPath).UsingPost().WithBody((string? b) => b is not null && b.Contains("cs_test_bad", StringComparison.Ordinal)))
            .AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"code":400,"message":"Invalid gclid.","status":"INVALID_ARGUMENT"}}"""));
        rig.StubIngestOk();
        await DonateAsync(app, await LandAsync(app, "https://film.example/watch?gclid=Cj0KCQ_good"), "good@example.com", "cs_test_good", "evt_good");
        await DonateAsync(app, await LandAsync(app, "https://film.example/watch?gclid=Cj0KCQ_bad"), "bad@example.com", "cs_test_bad", "evt_bad");

        await app.RunUntilAsync(() => rig.EventsDelivered().Count == 1, "the good donation reached Google");
        var dead = await DeliveriesAsync(app, "dead");

        Assert.Equal(2, JsonCount(rig.Ingests().First()));
        Assert.Equal("cs_test_good", rig.EventsDelivered().Single().GetProperty("transactionId").GetString());
        var item = Assert.Single(dead.GetProperty("items").EnumerateArray(), i => i.GetProperty("destination").GetString() == "googleads");
        Assert.Contains("cs_test_bad", item.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Contains("INVALID_ARGUMENT", item.GetProperty("failure").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_500_then_a_429_is_retried_with_the_same_transaction_id_and_delivered_once()
    {
        using var rig = new GoogleAdsRig();
        var app = rig.App;
        app.ExpectDestinationFailures("Google answers 500 and 429 on purpose");
        var ingest = Request.Create().WithPath(GoogleAdsRig.IngestPath).UsingPost();
        app.Stub.Given(ingest).InScenario("flaky").WillSetStateTo("failed-once").AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("""{"error":{"code":500,"message":"Internal error.","status":"INTERNAL"}}"""));
        app.Stub.Given(ingest).InScenario("flaky").WhenStateIs("failed-once").WillSetStateTo("failed-twice").AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(429).WithBody("""{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED"}}"""));
        app.Stub.Given(ingest).InScenario("flaky").WhenStateIs("failed-twice").AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"requestId":"req-1"}"""));
        await DonateAsync(app, await LandAsync(app, "https://film.example/watch?gclid=Cj0KCQ_flaky"), "donor@example.com");

        await app.RunUntilAsync(() => rig.EventsDelivered().Count == 1, "the donation reached Google");

        Assert.Equal(3, rig.Ingests().Count());
        Assert.All(rig.Ingests(), c => Assert.Contains("\"transactionId\":\"cs_test_a1\"", c.RequestMessage.Body!, StringComparison.Ordinal));
        Assert.Single(rig.EventsDelivered());
    }

    [Fact]
    public async Task A_request_google_fails_to_process_later_is_logged_counted_and_kept_for_the_operator()
    {
        using var rig = new GoogleAdsRig();
        var app = rig.App;
        app.ExpectErrors("Tracking.GoogleAds.GoogleAdsRequests", "Google reports a failed request on purpose");
        app.Stub.Given(Request.Create().WithPath(GoogleAdsRig.StatusPath).UsingGet().WithParam("requestId", "req-1")).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""
                {"requestStatusPerDestination":[{"requestStatus":"FAILED","errorInfo":{"errorCounts":[{"recordCount":"1","reason":"INVALID_CONVERSION_ACTION"}]}}]}
                """));
        rig.StubIngestOk();
        await DonateAsync(app, await LandAsync(app, "https://film.example/watch?gclid=Cj0KCQ_later"), "donor@example.com");
        await app.RunUntilAsync(() => rig.EventsDelivered().Count == 1, "the donation reached Google");

        var requests = app.Services.GetRequiredService<GoogleAdsRequests>();
        await requests.CheckAsync(CancellationToken.None);

        var failure = Assert.Single(requests.RecentFailures);
        Assert.Equal(("req-1", "FAILED", 1), (failure.RequestId, failure.Status, failure.Events));
        Assert.Contains("INVALID_CONVERSION_ACTION", failure.Reasons, StringComparison.Ordinal);
        var opsView = await app.Ops().GetAsync("/ops/googleads/requests");
        Assert.Equal(System.Net.HttpStatusCode.OK, opsView.StatusCode);
        var listed = Assert.Single(System.Text.Json.JsonDocument.Parse(await opsView.Content.ReadAsStringAsync()).RootElement.GetProperty("failures").EnumerateArray());
        Assert.Equal(("req-1", "FAILED"), (listed.GetProperty("requestId").GetString(), listed.GetProperty("status").GetString()));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await app.Browser().GetAsync("/ops/googleads/requests")).StatusCode);
    }

    private static int JsonCount(WireMock.Logging.ILogEntry call) =>
        System.Text.Json.JsonDocument.Parse(call.RequestMessage.Body!).RootElement.GetProperty("events").GetArrayLength();
}
