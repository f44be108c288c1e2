using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Privacy;

/// <summary>A refunded donor's export shows the refund; erasure removes its Stripe ids and the payment's link, and keeps net.</summary>
public sealed class RefundErasureTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateForRefunds("pi_erase");
    private readonly HttpClient _ops;

    public RefundErasureTests()
    {
        _ops = _app.CreateClient();
        _ops.DefaultRequestHeaders.Authorization = new("Bearer", OpsKey.Value);
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_refunded_donor_is_exported_with_the_refund_and_erased_without_its_stripe_ids_keeping_net()
    {
        var created = await _app.Browser().NewSessionAsync();
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeRefundEvents.Paid("evt_paid", "cs_erase", sid, visitor, "pi_erase", 2500, _app.Clock.GetUtcNow()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeRefundEvents.Refunded("evt_refund", "ch_erase_1", "pi_erase", 2500, 1000, _app.Clock.GetUtcNow()))).StatusCode);

        var found = await (await _ops.PostAsJsonAsync("/ops/visitors/export", new { visitorId = visitor })).Content.ReadFromJsonAsync<JsonElement>();
        var refunds = Assert.Single(Assert.Single(found.GetProperty("visitors").EnumerateArray()).GetProperty("conversions").EnumerateArray()).GetProperty("refunds");
        Assert.Equal(1000, refunds.GetProperty("refunded").GetInt64());
        Assert.Equal(1000, refunds.GetProperty("charges").GetProperty("ch_erase_1").GetInt64());
        var report = await _ops.GetStringAsync("/reports/attribution");
        Assert.Contains("\"net\":{\"usd\":15}", report, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _ops.PostAsJsonAsync("/ops/visitors/erase", new { visitorId = visitor })).StatusCode);

        var everything = await RedisSnapshot.TakeAsync(_app);
        foreach (var value in new[] { sid, visitor, "ch_erase_1", "pi_erase" })
        {
            Assert.DoesNotContain(value, everything, StringComparison.Ordinal);
        }
        Assert.Equal(report, await _ops.GetStringAsync("/reports/attribution"));
        // The payment's link went with the donor: a later refund of it changes nothing.
        var later = await _app.DeliverWebhookAsync(StripeRefundEvents.Refunded("evt_refund_2", "ch_erase_1", "pi_erase", 2500, 2500, _app.Clock.GetUtcNow()));
        Assert.Equal("not-ours", (await later.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        // Also when its charge carries our mark (it is ours, but its donation can no longer come): not held back for redelivery.
        var marked = await _app.DeliverWebhookAsync(StripeRefundEvents.Refunded("evt_refund_3", "ch_erase_1", "pi_erase", 2500, 2500, _app.Clock.GetUtcNow(),
            StripeRefundEvents.OurPaymentMetadata(sid)));
        Assert.Equal("not-ours", (await marked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal(report, await _ops.GetStringAsync("/reports/attribution"));
    }
}
