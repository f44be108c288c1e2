using System.Net;
using System.Net.Http.Headers;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// Per-client limits that cannot be dodged: IPv6 clients count per /64, IPv4-mapped addresses as IPv4, the client is
/// the address after trusted proxies; operator endpoints, readiness and the Stripe webhook have limits of their own.
/// A token bucket refills one token every 10 s, so counts allow one refill landing during a burst.
/// </summary>
public sealed class RateLimitTests
{

    public static TheoryData<string, string[]> OneClient => new()
    {
        // Ten addresses of one /64: a different interface id each time.
        { "IPv6 /64", Enumerable.Range(1, 10).Select(i => $"2001:db8:1:2:{i * 4099:x}:{i:x}:{i * 7:x}:{i * 31:x}").ToArray() },
        // The same IPv4 client, seen natively and as IPv4-mapped IPv6 (a dual-stack socket).
        { "IPv4 and IPv4-mapped", Enumerable.Range(1, 10).Select(i => i % 2 == 0 ? "198.51.100.7" : "::ffff:198.51.100.7").ToArray() },
    };

    [Theory]
    [MemberData(nameof(OneClient))]
    public async Task Rotating_addresses_of_one_client_shares_one_bucket_and_stores_nothing_past_it(string client, string[] addresses)
    {
        using var app = new TrackingApp(new() { ["Tracking:RateLimitPerMinute"] = "5" }, isolated: true);

        var responses = new List<HttpResponseMessage>();
        foreach (var address in addresses)
        {
            responses.Add(await app.Browser().FromPeer(address).PostJsonAsync("/session", """{"url":"https://film.example/"}"""));
        }

        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.True(created is 5 or 6, $"{client}: {created} of {addresses.Length} sessions created, limit 5");
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(addresses.Length - created, limited.Count);
        foreach (var response in limited)
        {
            await AssertLimitedAsync(response, "Tracking:RateLimitPerMinute");
        }
        // Only the accepted requests wrote a session.
        Assert.Equal(created, RedisServer.Shared.Keys(app.Database, Keys.Session("*")).Count());
        // Another /64, another bucket.
        var other = await app.Browser().FromPeer("2001:db8:1:3::1").PostJsonAsync("/session", """{"url":"https://film.example/"}""");
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_bucket_and_an_untrusted_sender_cannot_forge_one()
    {
        using var app = new TrackingApp(new() { ["Tracking:RateLimitPerMinute"] = "3", ["Tracking:TrustedProxies:0"] = "10.0.0.0/8" }, isolated: true);

        async Task<int> CreatedAsync(string peer, Func<int, string> forwardedFor)
        {
            var created = 0;
            for (var i = 0; i < 8; i++)
            {
                var client = app.Browser().FromPeer(peer);
                client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor(i));
                var response = await client.PostJsonAsync("/session", """{"url":"https://film.example/"}""");
                created += response.StatusCode == HttpStatusCode.Created ? 1 : 0;
            }
            return created;
        }

        // Through the proxy: two visitors, each limited on its own (the proxy's address is not the bucket).
        var first = await CreatedAsync("10.0.0.1", _ => "203.0.113.1");
        var second = await CreatedAsync("10.0.0.1", _ => "203.0.113.2");
        // Direct, forging a new X-Forwarded-For each time: all of it counts against the sender's own address.
        var forger = await CreatedAsync("203.0.113.99", i => $"192.0.2.{i + 1}");

        Assert.InRange(first, 3, 4);
        Assert.InRange(second, 3, 4);
        Assert.InRange(forger, 3, 4);
    }

    [Theory]
    [InlineData("/ops/deliveries?state=dead")]
    [InlineData("/reports/funnel")]
    [InlineData("/dashboard")]
    [InlineData("/health/ready")]
    public async Task Operator_endpoints_and_readiness_have_the_ops_limit(string path)
    {
        using var app = new TrackingApp(new() { ["Ops:ApiKey"] = OpsKey.Value, ["Tracking:OpsRateLimitPerMinute"] = "3" });
        var client = app.CreateClient().FromPeer("203.0.113.20");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            responses.Add(await client.GetAsync(path));
        }

        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.OK), 3, 4);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{path} answered {r.StatusCode}"));
        await AssertLimitedAsync(responses[^1], "Tracking:OpsRateLimitPerMinute");
    }

    [Fact]
    public async Task Liveness_stays_unlimited_for_probes()
    {
        using var app = new TrackingApp(new() { ["Tracking:OpsRateLimitPerMinute"] = "1", ["Tracking:RateLimitPerMinute"] = "1" });
        var probe = app.CreateClient().FromPeer("10.1.1.1");

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/live")).StatusCode);
        }
    }

    [Fact]
    public async Task The_stripe_webhook_has_its_own_limit_and_a_refused_delivery_records_nothing()
    {
        using var app = DeliveryApp.Create(new()
        {
            ["Stripe:WebhookSecret"] = StripeSigner.Secret,
            ["Tracking:WebhookRateLimitPerMinute"] = "3",
        });
        var sid = (await app.CreateClient().NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var stripe = app.CreateClient().FromPeer("54.187.174.169");

        var outcomes = new List<(string EventId, HttpResponseMessage Response)>();
        for (var i = 0; i < 8; i++)
        {
            var eventId = $"evt_burst_{i}";
            var payload = StripeSigner.CheckoutEvent(eventId, "checkout.session.expired", $"cs_burst_{i}", sid, "unpaid", 2500, "usd", app.Clock.GetUtcNow());
            using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Stripe-Signature", StripeSigner.Sign(payload, app.Clock.GetUtcNow()));
            outcomes.Add((eventId, await stripe.SendAsync(request)));
        }

        Assert.InRange(outcomes.Count(o => o.Response.StatusCode == HttpStatusCode.OK), 3, 4);
        foreach (var (eventId, response) in outcomes)
        {
            var recorded = await app.Db.HashExistsAsync(Keys.StripeLedger(sid), $"evt:{eventId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.True(recorded, $"{eventId} was accepted but not recorded");
            }
            else
            {
                await AssertLimitedAsync(response, "Tracking:WebhookRateLimitPerMinute");
                Assert.False(recorded, $"{eventId} was refused but recorded");
            }
        }
    }

    [Fact]
    public async Task Guessing_the_ops_key_is_locked_out_after_five_wrong_keys_per_client_for_a_minute()
    {
        using var app = DeliveryApp.Create();
        HttpClient From(string peer, string key)
        {
            var client = app.CreateClient().FromPeer(peer);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await From("2001:db8:aa:1::1", $"guess-{i}-0123456789abcdef0123456789").GetAsync("/ops/deliveries?state=dead")).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 15)), statuses);
        // Locked: even the right key, from any address of that /64, for GET and POST alike.
        var locked = await From("2001:db8:aa:1:ffff::2", OpsKey.Value).GetAsync("/ops/deliveries?state=dead");
        var replay = await From("2001:db8:aa:1::3", OpsKey.Value).PostAsync("/ops/deliveries/replay", null);
        var problem = await AssertLimitedAsync(locked, "ops key failures (5 a minute per client)");
        Assert.Equal("Authorization", problem.GetProperty("field").GetString());
        Assert.InRange(locked.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.TooManyRequests, replay.StatusCode);
        // Another client is not affected.
        Assert.Equal(HttpStatusCode.OK, (await From("2001:db8:aa:2::1", OpsKey.Value).GetAsync("/ops/deliveries?state=dead")).StatusCode);

        app.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(HttpStatusCode.OK, (await From("2001:db8:aa:1::1", OpsKey.Value).GetAsync("/ops/deliveries?state=dead")).StatusCode);
    }

    [Fact]
    public async Task Asking_without_a_key_never_locks_the_operator_out()
    {
        using var app = DeliveryApp.Create();
        var anonymous = app.CreateClient().FromPeer("203.0.113.30");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/reports/funnel")).StatusCode);
        }

        var operatorClient = app.CreateClient().FromPeer("203.0.113.30");
        operatorClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);

        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/reports/funnel")).StatusCode);
    }

    private static async Task<System.Text.Json.JsonElement> AssertLimitedAsync(HttpResponseMessage response, string limit)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "Retry-After of at least a second");
        var problem = await response.ProblemAsync();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal(limit, problem.GetProperty("limit").GetString());
        return problem;
    }
}
