using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Tests.Support;

namespace Tracking.Tests.Harness;

/// <summary>The suite's own guards fail when they should: unexpected error logs, unmatched outbound requests, unbounded waits.</summary>
public sealed class StrictnessTests
{
    [Fact]
    public async Task A_plain_tracking_app_has_every_destination_off_and_queues_nothing()
    {
        // Its own database (a flushed one on a cluster): the outbox depth counted below is this test's alone.
        using var app = new TrackingApp(isolated: true);
        var client = app.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var accepted = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{id}}","event":"PageView"}""");
        var checkout = await client.PostJsonAsync("/checkout", $$"""{"sessionId":"{{id}}","amount":25}""");

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.False(app.Services.GetRequiredService<IOptions<Tracking.Meta.MetaOptions>>().Value.Enabled);
        Assert.False(app.Services.GetRequiredService<IOptions<Tracking.PostHog.PostHogOptions>>().Value.Enabled);
        Assert.Equal(0, (await app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, checkout.StatusCode); // no Stripe key: Stripe is never called
    }

    [Fact]
    public void The_collector_the_test_reads_is_the_one_the_service_logs_to()
    {
        using var app = new TrackingApp();
        _ = app.CreateClient();

        Assert.Same(app.Logs, app.Services.GetFakeLogCollector());
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Probe").LogInformation("hello");
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Category == "Probe" && r.Message == "hello");
    }

    [Fact]
    public async Task An_error_log_the_test_did_not_expect_fails_it_on_dispose()
    {
        var app = new TrackingApp();
        _ = app.CreateClient();
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Probe").LogError("boom {Code}", 42);

        var error = await Record.ExceptionAsync(() => app.DisposeAsync().AsTask());

        Assert.NotNull(error);
        Assert.Contains("Error Probe[0]: boom 42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_log_the_test_declared_passes_and_sync_dispose_checks_too()
    {
        var declared = new TrackingApp();
        _ = declared.CreateClient();
        declared.ExpectErrors("Probe", "this test logs one on purpose");
        declared.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Probe.Child").LogCritical("expected");
        declared.Dispose();

        var undeclared = new TrackingApp();
        _ = undeclared.CreateClient();
        undeclared.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Other").LogCritical("unexpected");
        Assert.Contains("Critical Other[0]: unexpected", Assert.ThrowsAny<Exception>(undeclared.Dispose).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outbound_request_no_stub_expected_fails_the_test_on_dispose()
    {
        var app = DeliveryApp.Create();
        app.StubMetaOk();
        using var http = new HttpClient();
        await http.PostAsync(new Uri(app.Stub.Url + DeliveryApp.MetaPath), null);
        await http.PostAsync(new Uri(app.Stub.Url + "/v1/unexpected"), null);

        var error = await Record.ExceptionAsync(() => app.DisposeAsync().AsTask());

        Assert.NotNull(error);
        Assert.Contains("POST /v1/unexpected", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DeliveryApp.MetaPath, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_that_never_holds_fails_naming_what_and_how_long()
    {
        var error = await Record.ExceptionAsync(() =>
            Eventually.UntilAsync(() => false, TimeSpan.FromMilliseconds(200), "the moon to turn blue", state: () => "still grey"));

        Assert.IsType<Xunit.Sdk.FailException>(error);
        Assert.Contains("the moon to turn blue", error.Message, StringComparison.Ordinal);
        Assert.Contains("bound 0.2 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("still grey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_test_class_sharing_an_app_checks_its_logs_after_each_test()
    {
        static bool SharesAnApp(Type t) => t.GetInterfaces().Any(i => i.IsGenericType
            && (i.GetGenericTypeDefinition() == typeof(IClassFixture<>) || i.GetGenericTypeDefinition() == typeof(ICollectionFixture<>))
            && typeof(TrackingApp).IsAssignableFrom(i.GetGenericArguments()[0]));
        static bool ChecksEachTest(Type? t) => t is not null
            && ((t.IsGenericType && t.GetGenericTypeDefinition() == typeof(SharedAppTests<>)) || ChecksEachTest(t.BaseType));

        var sharing = typeof(StrictnessTests).Assembly.GetTypes().Where(t => !t.IsAbstract && SharesAnApp(t)).ToList();

        Assert.NotEmpty(sharing);
        Assert.Empty(sharing.Where(t => !ChecksEachTest(t)).Select(t => t.FullName));
    }

    [Fact]
    public async Task A_shared_app_fails_the_test_during_which_an_error_was_logged_and_only_that_one()
    {
        var app = new TrackingApp();
        _ = app.CreateClient();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Probe");
        logger.LogError("during the first test");

        Assert.Contains("during the first test", Assert.ThrowsAny<Exception>(app.VerifyLogsSoFar).Message, StringComparison.Ordinal);
        app.VerifyLogsSoFar(); // the next test starts clean
        await app.DisposeAsync(); // and the final check does not report it again
    }

    [Fact]
    public void A_service_process_fail_or_crit_console_line_is_reported_unless_its_category_is_expected()
    {
        string[] console =
        [
            "warn: Tracking.Delivery.OutboxWorker[1373288944]", "      Outbox paused: Redis unavailable (RedisConnectionException)",
            "fail: Tracking.Infrastructure.StoreUnavailableHandler[1373288944]", "      Redis unavailable (RedisConnectionException); answered 503",
            "crit: Microsoft.Extensions.Hosting.Internal.Host[11]", "      Hosting failed to start",
        ];

        Assert.Equal(
            ["fail: Tracking.Infrastructure.StoreUnavailableHandler[1373288944] Redis unavailable (RedisConnectionException); answered 503",
             "crit: Microsoft.Extensions.Hosting.Internal.Host[11] Hosting failed to start"],
            ServiceProcess.UnexpectedErrors(console, []));
        Assert.Equal(["crit: Microsoft.Extensions.Hosting.Internal.Host[11] Hosting failed to start"], ServiceProcess.UnexpectedErrors(console, ["Tracking.Infrastructure"]));
    }
}
