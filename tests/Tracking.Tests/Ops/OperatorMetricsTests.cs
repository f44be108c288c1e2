using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Ops;

/// <summary>The metrics an operator alerts on: send outcomes by kind, delivery lag, webhook outcomes, rate-limit refusals.</summary>
public sealed class OperatorMetricsTests
{
    private static MetricCollector<T> Collect<T>(TrackingApp app, string instrument)
        where T : struct => new(app.Services.GetRequiredService<IMeterFactory>(), "Tracking", instrument);

    private static string? Tag<T>(CollectedMeasurement<T> m, string name)
        where T : struct => m.Tags.TryGetValue(name, out var value) ? value as string : null;

    private static bool Has<T>(MetricCollector<T> collector, string destination, string kind)
        where T : struct => collector.GetMeasurementSnapshot().Any(m => Tag(m, "destination") == destination && Tag(m, "kind") == kind);

    private static async Task PostEventAsync(TrackingApp app, string eventId)
    {
        var client = app.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{id}}","event":"PageView","eventId":"{{eventId}}"}""")).StatusCode);
    }

    [Fact]
    public async Task Send_outcomes_are_counted_per_destination_by_kind()
    {
        await using var app = DeliveryApp.Create();
        app.ExpectDestinationFailures("Meta throttles and PostHog fails on purpose");
        app.ExpectDeadLetters("Meta refuses one event on purpose");
        using var retried = Collect<long>(app, "tracking.delivery.retried");
        using var dead = Collect<long>(app, "tracking.delivery.dead");
        using var sent = Collect<long>(app, "tracking.delivery.sent");
        using var lag = Collect<double>(app, "tracking.delivery.lag");
        var throttled = Guid.NewGuid();
        var failing = Guid.NewGuid();
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost()).WithGuid(throttled).AtPriority(1).RespondWith(Response.Create().WithStatusCode(400)
            .WithBodyAsJson(new { error = new { message = "(#17) User request limit reached", type = "OAuthException", code = 17, fbtrace_id = "x" } }));
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.PostHogPath).UsingPost()).WithGuid(failing).AtPriority(1).RespondWith(Response.Create().WithStatusCode(503));
        await PostEventAsync(app, "pv1");

        await app.RunRoundsAsync();
        Assert.True(Has(retried, "meta", "rate_limited"), "Meta's throttling code counts as rate_limited");
        Assert.True(Has(retried, "posthog", "server_error"), "PostHog's 503 counts as server_error");
        Assert.Empty(sent.GetMeasurementSnapshot());

        app.Stub.DeleteMapping(throttled);
        app.Stub.DeleteMapping(failing);
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(400)
            .WithBodyAsJson(new { error = new { message = "Invalid parameter", type = "OAuthException", code = 100, error_subcode = 2804003, fbtrace_id = "x" } }));
        app.StubPostHogOk();
        await app.RunRoundsAsync();

        Assert.True(Has(dead, "meta", "refused"), "an event Meta refuses for its content counts as refused");
        var delivered = Assert.Single(sent.GetMeasurementSnapshot());
        Assert.Equal("posthog", Tag(delivered, "destination"));
        var measured = Assert.Single(lag.GetMeasurementSnapshot());
        Assert.Equal("posthog", Tag(measured, "destination"));
        Assert.True(measured.Value >= 31, $"lag {measured.Value} s covers the round the send waited (the clock moved 31 s)");
    }

    [Fact]
    public async Task Timeouts_and_an_open_circuit_are_told_apart()
    {
        await using var app = DeliveryApp.Create(new() { ["Delivery:AttemptTimeout"] = "00:00:00.200" });
        app.ExpectDestinationFailures("PostHog hangs on purpose until its circuit opens");
        using var retried = Collect<long>(app, "tracking.delivery.retried");
        app.StubMetaOk();
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.PostHogPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(1000).WithBodyAsJson(new { status = 1 }));
        for (var i = 0; i < 12; i++)
        {
            await PostEventAsync(app, $"pv{i}");
        }

        await app.RunUntilAsync(() => Has(retried, "posthog", "circuit_open"), "PostHog's circuit to open after its timeouts");

        Assert.True(Has(retried, "posthog", "timeout"), "a hung PostHog counts as timeout");
        Assert.False(Has(retried, "meta", "timeout"));
    }

    [Fact]
    public async Task Webhook_deliveries_are_counted_by_outcome()
    {
        await using var app = DeliveryApp.CreateWithStripe();
        using var webhooks = Collect<long>(app, "tracking.webhook.received");
        var payload = """{"id":"evt_o","object":"event","api_version":"2020-08-27","created":1700000000,"type":"customer.created","data":{"object":{"id":"cus_1","object":"customer"}}}""";

        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(payload)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.DeliverWebhookAsync(payload, secret: "whsec_wrong")).StatusCode);

        var outcomes = webhooks.GetMeasurementSnapshot().Select(m => Tag(m, "outcome")).Order().ToList();
        Assert.Equal(["ignored", "invalid-signature"], outcomes);
    }

    [Fact]
    public async Task Rate_limit_refusals_are_counted_by_endpoint_group()
    {
        await using var app = new TrackingApp(new() { ["Tracking:RateLimitPerMinute"] = "3" });
        using var limited = Collect<long>(app, "tracking.requests.rate_limited");
        var client = app.Browser();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.PostJsonAsync("/session", """{"url":"https://film.example/"}""")).StatusCode);
        }

        var refused = statuses.Count(s => s == HttpStatusCode.TooManyRequests);
        Assert.True(refused > 0, $"statuses: {string.Join(", ", statuses)}");
        var counted = limited.GetMeasurementSnapshot();
        Assert.Equal(refused, counted.Sum(m => m.Value));
        Assert.All(counted, m => Assert.False(string.IsNullOrEmpty(Tag(m, "group")), "each refusal names its endpoint group"));
    }
}
