using System.Net;
using System.Text.Json;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Meta;

/// <summary>
/// <c>GET /ops/meta/quality</c> against a strict stand-in of Meta's Dataset Quality API: the exact request, every
/// field mapped, absent metrics null (not 0), the cache, Meta's refusals named, outages a 503, never the token.
/// </summary>
public sealed class MetaQualityTests
{
    private const string QualityPath = "/v25.0/dataset_quality";

    // Shaped as Meta documents it: root "web", one row per event, each metric conditional.
    private const string Answer = """
        {"web":[
          {"event_name":"Purchase",
           "event_match_quality":{"composite_score":6.4,
             "match_key_feedback":[{"identifier":"email","coverage":{"percentage":92.5}},{"identifier":"ip_address","coverage":{"percentage":100}},{"identifier":"fbc"}],
             "diagnostics":[{"name":"Send fbc","description":"Few events carry a click id","solution":"Pass fbclid to the service","percentage":31}]},
           "event_coverage":{"percentage":87,"goal_percentage":75},
           "dedupe_key_feedback":[{"dedupe_key":"external_id","browser_events_with_dedupe_key":{"percentage":5}},
                                  {"dedupe_key":"event_id","browser_events_with_dedupe_key":{"percentage":98},"server_events_with_dedupe_key":{"percentage":100}}],
           "data_freshness":{"upload_frequency":"real_time"},
           "acr":{"percentage":12.5}},
          {"event_name":"PageView","event_match_quality":{"composite_score":3.1}}
        ]}
        """;

    private static void StubQuality(DeliveryApp app, int status, string body) =>
        app.Stub.Given(Request.Create().WithPath(QualityPath).UsingGet()).RespondWith(Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/json").WithBody(body));

    [Fact]
    public async Task Reads_meta_per_event_with_the_exact_request_and_nulls_for_what_meta_did_not_report()
    {
        await using var app = DeliveryApp.Create();
        StubQuality(app, 200, Answer);

        var response = await app.Ops().GetAsync("/ops/meta/quality");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(app.Calls(QualityPath)).RequestMessage;
        Assert.Equal("1234567890", call.Query!["dataset_id"].Single());
        Assert.Equal(
            "web{event_name,event_match_quality{composite_score,match_key_feedback{identifier,coverage{percentage}},diagnostics{name,description,solution,percentage}}," +
            "event_coverage{percentage,goal_percentage},dedupe_key_feedback{dedupe_key,browser_events_with_dedupe_key{percentage},server_events_with_dedupe_key{percentage}}," +
            "data_freshness{upload_frequency},acr{percentage}}",
            call.Query["fields"].Single());
        Assert.Equal(["dataset_id", "fields"], call.Query.Keys.Order(StringComparer.Ordinal));
        // No access_token among them: the token is a header, so no logged URL carries it.
        Assert.Equal("Bearer meta-secret-token", call.Headers!["Authorization"].Single());

        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("1234567890", report.GetProperty("datasetId").GetString());
        var purchase = report.GetProperty("events")[0];
        Assert.Equal("""
            {"event":"Purchase","matchQuality":6.4,"matchQualityBand":"good","matchKeys":[{"identifier":"email","coveragePercent":92.5},{"identifier":"ip_address","coveragePercent":100},{"identifier":"fbc","coveragePercent":null}],"diagnostics":[{"name":"Send fbc","description":"Few events carry a click id","solution":"Pass fbclid to the service","percentage":31}],"coveragePercent":87,"coverageGoalPercent":75,"browserEventsWithEventId":98,"serverEventsWithEventId":100,"uploadFrequency":"real_time","additionalConversionsPercent":12.5}
            """, purchase.GetRawText());
        Assert.Equal("""
            {"event":"PageView","matchQuality":3.1,"matchQualityBand":"poor","matchKeys":[],"diagnostics":[],"coveragePercent":null,"coverageGoalPercent":null,"browserEventsWithEventId":null,"serverEventsWithEventId":null,"uploadFrequency":null,"additionalConversionsPercent":null}
            """, report.GetProperty("events")[1].GetRawText());
        Assert.DoesNotContain(app.Logs.GetSnapshot(), r => r.Message.Contains("meta-secret-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_look_within_the_cache_window_asks_meta_nothing_and_after_it_asks_again()
    {
        await using var app = DeliveryApp.Create();
        StubQuality(app, 200, Answer);
        var ops = app.Ops();

        var first = JsonDocument.Parse(await ops.GetStringAsync("/ops/meta/quality")).RootElement.GetProperty("fetchedAt").GetDateTimeOffset();
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        var second = JsonDocument.Parse(await ops.GetStringAsync("/ops/meta/quality")).RootElement.GetProperty("fetchedAt").GetDateTimeOffset();
        Assert.Equal(first, second);
        Assert.Single(app.Calls(QualityPath));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await ops.GetStringAsync("/ops/meta/quality");
        Assert.Equal(2, app.Calls(QualityPath).Count());
    }

    [Fact]
    public async Task A_token_without_the_reporting_permission_is_a_502_naming_metas_error()
    {
        await using var app = DeliveryApp.Create();
        StubQuality(app, 400, """{"error":{"message":"(#100) Missing permission","type":"OAuthException","code":100,"error_subcode":33,"fbtrace_id":"x"}}""");

        var response = await app.Ops().GetAsync("/ops/meta/quality");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.ProblemAsync()).GetProperty("detail").GetString()!;
        Assert.Contains("OAuthException (code 100, subcode 33): (#100) Missing permission", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("meta-secret-token", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Meta_failing_is_retried_then_a_503_with_retry_after_and_nothing_cached()
    {
        await using var app = DeliveryApp.Create();
        StubQuality(app, 500, """{"error":{"message":"temporary","type":"FacebookApiException","code":2}}""");
        app.ExpectDestinationFailures("Meta answers 500 on purpose; the pipeline logs each attempt");

        var response = await app.Ops().GetAsync("/ops/meta/quality");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(2, app.Calls(QualityPath).Count()); // Delivery:Retries = 1: the same resilience as delivery
        await app.Ops().GetAsync("/ops/meta/quality");
        Assert.True(app.Calls(QualityPath).Count() > 2); // a failure is not cached
    }

    [Fact]
    public async Task Without_a_meta_token_it_is_404_and_without_the_ops_key_401()
    {
        await using var app = DeliveryApp.Create(new() { ["Meta:AccessToken"] = "" });

        var none = await app.Ops().GetAsync("/ops/meta/quality");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("Meta is not configured", (await none.ProblemAsync()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Ops("wrong-key-0123456789abcdef0123456789").GetAsync("/ops/meta/quality")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/ops/meta/quality")).StatusCode);
        Assert.Empty(app.Calls(QualityPath));
    }
}
