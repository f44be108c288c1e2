using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Privacy;

/// <summary>A monthly donor's export and erasure: the subscription's link, its renewals, and what stays counted.</summary>
public sealed class SubscriptionErasureTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe();
    private readonly HttpClient _ops;

    public SubscriptionErasureTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        _ops = _app.Ops();
    }

    public void Dispose() => _app.Dispose();

    private async Task<(string Sid, string Visitor)> MonthlyDonorAsync()
    {
        var client = _app.Browser();
        var created = await client.NewSessionAsync(extra: new { consent = new { analytics = "granted", marketing = "granted" } });
        var sid = created.GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, interval = "month" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeSubscriptions.Completed(_app, "evt_cs", sid))).StatusCode);
        StripeSubscriptions.StubInvoicePayments(_app, "in_r1");
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeSubscriptions.InvoicePaid(_app, "evt_r1", "in_r1", "subscription_cycle"))).StatusCode);
        return (sid, created.GetProperty("visitorId").GetString()!);
    }

    private async Task<string> EverythingAsync()
    {
        var all = new StringBuilder();
        foreach (var key in RedisServer.Shared.Keys(_app.Database, "*"))
        {
            all.Append(key).Append('\n');
            if (await _app.Db.KeyTypeAsync(key) == RedisType.Hash)
            {
                foreach (var e in await _app.Db.HashGetAllAsync(key))
                {
                    all.Append(e.Name).Append('=').Append(e.Value).Append('\n');
                }
            }
        }
        return all.ToString();
    }

    [Fact]
    public async Task Export_includes_the_subscription_and_its_renewals_and_erasure_removes_them_while_the_revenue_stays_counted()
    {
        var (sid, visitor) = await MonthlyDonorAsync();

        var found = await (await _ops.PostAsJsonAsync("/ops/visitors/export", new { visitorId = visitor })).Content.ReadFromJsonAsync<JsonElement>();
        var export = Assert.Single(found.GetProperty("visitors").EnumerateArray());
        var subscription = Assert.Single(export.GetProperty("subscriptions").EnumerateArray());
        Assert.Equal(sid, subscription.GetProperty("sessionId").GetString());
        Assert.Equal(StripeSubscriptions.SubscriptionId, subscription.GetProperty("subscriptionId").GetString());
        Assert.Equal("cs_test_a1", subscription.GetProperty("link").GetProperty("checkoutSessionId").GetString());
        Assert.Equal("month", subscription.GetProperty("link").GetProperty("interval").GetString());
        Assert.NotEmpty(subscription.GetProperty("path").EnumerateArray());
        Assert.Equal(["cs_test_a1", "in_r1"], export.GetProperty("conversions").EnumerateArray().Select(c => c.GetProperty("record").GetProperty("checkoutSessionId").GetString()).Order(StringComparer.Ordinal));

        var erased = await (await _ops.PostAsJsonAsync("/ops/visitors/erase", new { visitorId = visitor })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, erased.GetProperty("conversionsAnonymised").GetInt64());
        var everything = await EverythingAsync();
        foreach (var (what, value) in new[] { ("session id", sid), ("visitor id", visitor), ("subscription id", StripeSubscriptions.SubscriptionId), ("invoice id", "in_r1") })
        {
            Assert.False(everything.Contains(value, StringComparison.Ordinal), $"the {what} is still in Redis after erasure");
        }

        // Stripe keeps billing the donor: the renewal is acknowledged and not recorded; the end is counted, anonymously.
        _app.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeSubscriptions.InvoicePaid(_app, "evt_r2", "in_r2", "subscription_cycle"))).StatusCode);
        var day = $"from={_app.Clock.GetUtcNow().AddDays(-40):yyyy-MM-dd}&to={_app.Clock.GetUtcNow():yyyy-MM-dd}";
        Assert.Equal(1, (await _ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?{day}")).GetProperty("monthly").GetProperty("active").GetInt64());
        for (var delivery = 0; delivery < 2; delivery++)
        {
            var ended = await _app.DeliverWebhookAsync(StripeSubscriptions.Deleted(_app, "evt_del"));
            Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        }
        var monthly = (await _ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?{day}")).GetProperty("monthly");
        Assert.Equal(0, monthly.GetProperty("active").GetInt64());
        Assert.Equal(1, monthly.GetProperty("cancelled").GetInt64());
        Assert.Equal(2, (await _ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?{day}")).GetProperty("totals").GetProperty("donations").GetInt32());
        Assert.False((await EverythingAsync()).Contains(sid, StringComparison.Ordinal), "a later Stripe event wrote the erased session's id again");
    }
}
