using System.Net;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

public sealed class ProtectionTests
{
    [Fact]
    public async Task A_burst_from_one_ip_gets_429_problem_with_retry_after()
    {
        using var app = new TrackingApp(new() { ["Tracking:RateLimitPerMinute"] = "5" });
        var client = app.Browser();

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add(await client.PostJsonAsync("/session", """{"url":"https://film.example/"}"""));
        }

        Assert.Equal(5, statuses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var limited = statuses.Last();
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(429, (await limited.ProblemAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Cors_allows_configured_origins_only()
    {
        using var app = new TrackingApp();
        var client = app.CreateClient();

        async Task<HttpResponseMessage> Preflight(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/events");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
            return await client.SendAsync(request);
        }

        var allowed = await Preflight("https://film.example");
        var refused = await Preflight("https://evil.example");

        Assert.Equal("https://film.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("Tracking:SessionTtlDays", "0", "Tracking:SessionTtlDays")]
    [InlineData("Tracking:SessionTtlDays", "seven", "Tracking:SessionTtlDays")]
    [InlineData("Tracking:TrustedProxies:0", "not-an-ip", "Tracking:TrustedProxies:0")]
    [InlineData("Tracking:AllowedOrigins:0", "film.example", "Tracking:AllowedOrigins:0")]
    [InlineData("Tracking:ConsentMode", "maybe", "Tracking:ConsentMode")]
    [InlineData("Tracking:OpsRateLimitPerMinute", "0", "Tracking:OpsRateLimitPerMinute")]
    [InlineData("Tracking:WebhookRateLimitPerMinute", "0", "Tracking:WebhookRateLimitPerMinute")]
    [InlineData("Tracking:NewSessionsPerMinute", "0", "Tracking:NewSessionsPerMinute")]
    [InlineData("Ops:ApiKey", "ops-key-only-31-characters-long", "Ops:ApiKey")]
    [InlineData("Ops:ApiKey", "ops key with spaces 0123456789abcdef", "Ops:ApiKey")]
    [InlineData("Reports:RetentionDays", "399", "Reports:RetentionDays")]
    [InlineData("Delivery:DeadLetterRetentionDays", "0", "Delivery:DeadLetterRetentionDays")]
    [InlineData("Redis:AckReplicas", "-1", "Redis:AckReplicas")]
    [InlineData("Redis:AckReplicas", "17", "Redis:AckReplicas")]
    [InlineData("Redis:AckReplicas", "one", "Redis:AckReplicas")]
    [InlineData("Redis:AckTimeout", "00:00:00", "Redis:AckTimeout")]
    [InlineData("Redis:AckTimeout", "-00:00:01", "Redis:AckTimeout")]
    [InlineData("Redis:AckTimeout", "00:00:31", "Redis:AckTimeout")]
    [InlineData("Redis:AckTimeout", "soon", "Redis:AckTimeout")]
    public void A_bad_setting_stops_start_up_with_a_message_naming_the_key(string key, string value, string named) => StartUp.AssertRefused(key, value, named);

    [Fact]
    public async Task The_client_ip_comes_from_x_forwarded_for_only_behind_a_trusted_proxy()
    {
        using var trusting = new TrackingApp(new() { ["Tracking:TrustedProxies:0"] = "0.0.0.0/0", ["Tracking:TrustedProxies:1"] = "::/0" });
        using var untrusting = new TrackingApp();

        async Task<string?> StoredIp(TrackingApp app)
        {
            var client = app.Browser();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
            var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString();
            return await app.Db.HashGetAsync(Keys.Client(id!), "ip");
        }

        Assert.Equal("203.0.113.7", await StoredIp(trusting));
        Assert.NotEqual("203.0.113.7", await StoredIp(untrusting));
    }

}
