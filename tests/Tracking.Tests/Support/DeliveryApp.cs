using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tracking.Delivery;
using Tracking.Storage;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Tracking.Tests.Support;

/// <summary>
/// The service with Meta and PostHog pointed at one strict WireMock server, a controllable clock, its own Redis
/// database, and the outbox worker driven by the test (round by round) instead of in the background.
/// Strict: on dispose, any request the stub received that no mapping matched fails the test, unless the test
/// opted out with <see cref="AllowUnmatchedRequests"/> and said why.
/// </summary>
public sealed class DeliveryApp : TrackingApp
{
    public const string MetaPath = "/v25.0/1234567890/events";
    public const string PostHogPath = "/batch/";

    private DeliveryApp(WireMockServer stub, FakeTimeProvider clock, Dictionary<string, string?> settings, bool realClock, Action<IServiceCollection>? services)
        : base(settings, s =>
        {
            if (!realClock)
            {
                s.AddSingleton<TimeProvider>(clock);
            }
            services?.Invoke(s);
        }, isolated: true)
    {
        Stub = stub;
        Clock = clock;
    }

    private string? _unmatchedAllowedBecause;

    public WireMockServer Stub { get; }

    public FakeTimeProvider Clock { get; }

    /// <param name="realClock">Run on wall-clock time (browser tests, where the browser's clock writes timestamps too).</param>
    /// <param name="services">More registrations (e.g. a destination of the test's own).</param>
    public static DeliveryApp Create(Dictionary<string, string?>? extra = null, WireMockServer? stub = null, bool realClock = false, Action<IServiceCollection>? services = null)
    {
        stub ??= WireMockServer.Start();
        var settings = new Dictionary<string, string?>
        {
            ["Meta:BaseUrl"] = stub.Url,
            ["Meta:PixelId"] = "1234567890",
            ["Meta:AccessToken"] = "meta-secret-token",
            ["PostHog:Host"] = stub.Url,
            ["Stripe:ApiBase"] = stub.Url,
            ["PostHog:ApiKey"] = "phc_test_key",
            ["Ops:ApiKey"] = OpsKey.Value,
            ["Delivery:WorkerEnabled"] = "false",
            ["Delivery:Retries"] = "1",
            ["Delivery:RetryDelay"] = "00:00:00.010",
            ["Delivery:AttemptTimeout"] = "00:00:05",
            ["Delivery:BaseBackoff"] = "00:00:01",
            ["Delivery:MaxBackoff"] = "00:00:30",
            ["Delivery:Lease"] = "00:01:00",
            ["Delivery:CircuitBreakDuration"] = "00:00:00.500",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        return new DeliveryApp(stub, new FakeTimeProvider(DateTimeOffset.UtcNow), settings, realClock, services);
    }

    public const string CheckoutPath = "/v1/checkout/sessions";

    /// <summary>Also wired to Stripe: API base on the stub (which answers checkout creation) and a webhook secret.</summary>
    /// <param name="stub">A stub the test started first (to write its URL into a file the service reads, say).</param>
    public static DeliveryApp CreateWithStripe(Dictionary<string, string?>? extra = null, WireMockServer? stub = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_secret_never_logged",
            ["Stripe:WebhookSecret"] = StripeSigner.Secret,
            ["Donations:SuccessUrl"] = "https://film.example/thank-you?cs={CHECKOUT_SESSION_ID}",
            ["Donations:CancelUrl"] = "https://film.example/donate",
            ["Donations:ProductName"] = "Support the film",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        var app = Create(settings, stub);
        app.Stub.Given(Request.Create().WithPath(CheckoutPath).UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""
                {"id":"cs_test_a1","object":"checkout.session","mode":"payment","payment_status":"unpaid","status":"open",
                 "url":"https://checkout.stripe.com/c/pay/cs_test_a1","amount_total":2550,"currency":"usd"}
                """));
        return app;
    }

    /// <summary>Posts a Stripe event signed as Stripe signs it, at the app's current time.</summary>
    public async Task<HttpResponseMessage> DeliverWebhookAsync(string payload, DateTimeOffset? signedAt = null, string secret = StripeSigner.Secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", StripeSigner.Sign(payload, signedAt ?? Clock.GetUtcNow(), secret));
        return await CreateClient().SendAsync(request);
    }

    internal OutboxWorker Worker => Services.GetRequiredService<OutboxWorker>();

    /// <summary>Drains every partition, then moves the clock past the longest backoff; repeated <paramref name="rounds"/> times.</summary>
    public async Task RunRoundsAsync(int rounds = 1)
    {
        for (var i = 0; i < rounds; i++)
        {
            await Worker.DrainAllOnceAsync(CancellationToken.None);
            Clock.Advance(TimeSpan.FromSeconds(31));
        }
    }

    /// <summary>
    /// Runs rounds until <paramref name="done"/> holds (an open circuit needs real time to close); fails the test,
    /// naming <paramref name="what"/>, if it still does not after <paramref name="timeout"/> (default 20 s).
    /// </summary>
    public Task RunUntilAsync(Func<bool> done, string what, TimeSpan? timeout = null) => Eventually.UntilAsync(async () =>
    {
        if (done())
        {
            return true;
        }
        await RunRoundsAsync();
        return done();
    }, timeout ?? TimeSpan.FromSeconds(20), what, poll: TimeSpan.FromMilliseconds(100),
        state: () => $"{MetaEventsDelivered().Count} events delivered to Meta, {PostHogEventsDelivered().Count} to PostHog");

    public void StubMetaOk() => Stub.Given(Request.Create().WithPath(MetaPath).UsingPost()).AtPriority(100)
        .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { events_received = 1, messages = Array.Empty<string>(), fbtrace_id = "trace" }));

    public void StubPostHogOk() => Stub.Given(Request.Create().WithPath(PostHogPath).UsingPost()).AtPriority(100)
        .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new { status = 1 }));

    /// <summary>Stripe's answer for a PaymentIntent paid by card, which the webhook asks for (Donations/StripePaymentMethod).</summary>
    /// <summary>
    /// An app taking Stripe's refunds and disputes: Stripe configured, Meta and PostHog accepting, and the stand-in
    /// answering <paramref name="paymentIntent"/> as a card payment.
    /// </summary>
    public static DeliveryApp CreateForRefunds(string paymentIntent)
    {
        var app = CreateWithStripe();
        app.StubMetaOk();
        app.StubPostHogOk();
        app.StubCardPayment(paymentIntent);
        return app;
    }

    public void StubCardPayment(string paymentIntent, long amount = 2500) =>
        Stub.Given(Request.Create().WithPath("/v1/payment_intents/" + paymentIntent).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$$"""{"id":"{{{paymentIntent}}}","object":"payment_intent","amount":{{{amount}}},"currency":"usd","status":"succeeded","payment_method":{"id":"pm_1","object":"payment_method","type":"card"}}"""));

    /// <summary>Partition <paramref name="tag"/>'s stored outbox entries whose id names <paramref name="sid"/>: id → entry.</summary>
    public async Task<Dictionary<string, string>> OutboxItemsAsync(string tag, string sid) =>
        (await Db.HashGetAllAsync(Keys.OutboxItems(tag)))
            .Where(e => e.Name.ToString().Contains(sid, StringComparison.Ordinal))
            .ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);

    /// <summary>The ids in partition <paramref name="tag"/>'s due set that name <paramref name="sid"/>, sorted.</summary>
    public async Task<List<string>> OutboxDueAsync(string tag, string sid) =>
        [.. (await Db.SortedSetRangeByRankAsync(Keys.OutboxDue(tag))).Select(v => v.ToString()).Where(v => v.Contains(sid, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    public IEnumerable<ILogEntry> Calls(string path) => Stub.LogEntries.Where(e => e.RequestMessage.Path == path);

    /// <summary>Every Meta event received, across all requests that Meta answered 2xx.</summary>
    public List<JsonElement> MetaEventsDelivered() => Delivered(MetaPath, "data");

    public List<JsonElement> PostHogEventsDelivered() => Delivered(PostHogPath, "batch");

    private List<JsonElement> Delivered(string path, string array) => Calls(path)
        .Where(e => e.ResponseMessage.StatusCode is int code && code is >= 200 and < 300)
        .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty(array).EnumerateArray())
        .ToList();

    /// <summary>
    /// For tests that make a destination fail (5xx, outage): Polly's telemetry logs every handled failed attempt and
    /// every opened circuit at Error, under the category "Polly".
    /// </summary>
    public void ExpectDestinationFailures(string because) => ExpectErrors("Polly", because);

    /// <summary>For tests that dead-letter events on purpose: the outbox worker logs each dead letter at Error.</summary>
    public void ExpectDeadLetters(string because) =>
        ExpectErrors(r => r.Category == "Tracking.Delivery.OutboxWorker" && r.Message.Contains("dead-lettered", StringComparison.Ordinal), because);

    /// <summary>Opts this test out of strict stubbing: for tests that send unmatched requests on purpose.</summary>
    public void AllowUnmatchedRequests(string because)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(because);
        _unmatchedAllowedBecause = because;
    }

    protected override IEnumerable<string> Violations() => base.Violations().Concat(_unmatchedAllowedBecause is not null ? [] :
        StrictStub.UnmatchedRequests(Stub).Select(r => $"outbound request no stub mapping expected: {r} (stub it, or AllowUnmatchedRequests and say why)"));

    protected override void ReleaseResources() => Stub.Stop();
}
