using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Storage;

/// <summary>
/// Redis runs with <c>noeviction</c>: full, it refuses every write, a paid Stripe webhook's too. Browser writes stop at
/// <c>Redis:BrowserWriteLimitPercent</c> of <c>maxmemory</c>, so one client filling Redis through the browser
/// endpoints leaves room for payments, ops and delivery. A server of the test's own, with a small <c>maxmemory</c>.
/// </summary>
public sealed class StoreHeadroomTests(OwnRedis redis) : IClassFixture<OwnRedis>
{
    // Room for the flood above what the empty server already uses: at 85 % the browser stops with ~600 KB to spare,
    // while one round of the flood below writes far less than that.
    private const long Room = 4L * 1024 * 1024;
    private const int PerRound = 40;

    [LocalRedisFact]
    public async Task A_browser_flood_stops_short_of_maxmemory_and_a_paid_webhook_is_still_recorded()
    {
        var server = redis.Connection.GetServers().Single();
        await server.FlushAllDatabasesAsync();
        await using var app = DeliveryApp.CreateWithStripe(new()
        {
            [redis.Setting.Key] = redis.Setting.Value,
            // The per-client new-session budget would stop this one client long before Redis fills: this test is about memory.
            ["Tracking:NewSessionsPerMinute"] = "1000000",
        });
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        var first = await client.NewSessionAsync();
        var (sid, visitor) = (first.GetProperty("sessionId").GetString()!, first.GetProperty("visitorId").GetString()!);
        // A donor is at Stripe's checkout when the flood starts.
        var checkout = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });
        Assert.True(checkout.IsSuccessStatusCode, await checkout.Content.ReadAsStringAsync());
        var headroom = app.Services.GetRequiredService<StoreHeadroom>();
        await server.ConfigSetAsync("maxmemory", (await redis.UsedMemoryAsync() + Room).ToString(CultureInfo.InvariantCulture));

        var refused = await FloodUntilRefusedAsync(client, headroom);

        await AssertRefusedAsync(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "ViewContent", properties = new { content = "trailer_30s" } })).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsJsonAsync("/signup", new { sessionId = sid, email = "donor@example.com" })).StatusCode);
        await AssertRefusedAsync(await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 }));
        Assert.Single(app.Calls(DeliveryApp.CheckoutPath)); // the donor's, before the flood

        var paid = StripeSigner.CheckoutEvent("evt_headroom", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), visitorId: visitor);
        var webhook = await app.DeliverWebhookAsync(paid);

        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        Assert.Equal("converted", (await webhook.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal("true", (string?)await redis.Db.HashGetAsync(Keys.Session(sid), SessionField.DonationCompleted));
        Assert.Equal(HttpStatusCode.OK, (await app.Ops().GetAsync(new Uri($"/session/{sid}", UriKind.Relative))).StatusCode);
        await app.RunUntilAsync(() => app.MetaEventsDelivered().Any(e => e.GetProperty("event_name").GetString() == "Purchase"), "the Purchase to reach Meta");
        Assert.False(headroom.BrowserWritesAllowed);
        Assert.True(headroom.Fullest!.UsedMemory < headroom.Fullest.MaxMemory, $"Redis filled up: {headroom.Fullest}");
    }

    [Fact]
    public void A_server_without_maxmemory_never_refuses()
    {
        Assert.False(new MemorySample("node", long.MaxValue / 200, 0).Reaches(1));
        Assert.True(new MemorySample("node", 85, 100).Reaches(85));
        Assert.False(new MemorySample("node", 84, 100).Reaches(85));
    }

    /// <summary>
    /// New sessions, a round at a time, until one is refused. After each round the test waits for a memory sample taken
    /// after it (the barrier), so the flag the next round meets has seen every byte written so far.
    /// </summary>
    private static async Task<HttpResponseMessage> FloodUntilRefusedAsync(HttpClient client, StoreHeadroom headroom)
    {
        for (var round = 0; round < 500; round++)
        {
            for (var i = 0; i < PerRound; i++)
            {
                var response = await client.PostAsJsonAsync("/session", new
                {
                    url = $"https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=flood&utm_content=r{round}i{i}",
                    events = new[] { new { @event = "PageView", eventId = $"pv-{round}-{i}", properties = new { pad1 = new string('x', 500), pad2 = new string('y', 500) } } },
                });
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    return response;
                }
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            await headroom.NextSampleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        throw new Xunit.Sdk.XunitException($"500 rounds of {PerRound} sessions never reached the limit: {headroom.Fullest}");
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        var problem = await response.ProblemAsync();
        Assert.Equal("Redis:BrowserWriteLimitPercent", problem.GetProperty("limit").GetString());
    }
}
