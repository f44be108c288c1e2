using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Donations;

/// <summary>
/// A refund Stripe delivers before the donation it takes money back from (our outage made Stripe redeliver the
/// completed Checkout Session later): a charge whose metadata carries our mark is refused until the donation is
/// recorded, then counts once; a charge whose mark does not verify, or a refund event too old for the donation still
/// to come, is acknowledged and changes nothing.
/// </summary>
public sealed class RefundBeforeDonationTests : IDisposable
{
    private const string Intent = "pi_3QearlyRefund";
    private const string Charge = "ch_3QearlyRefund";
    private readonly DeliveryApp _app = DeliveryApp.CreateForRefunds(Intent);

    public void Dispose() => _app.Dispose();

    /// <summary>A visitor who started a 25 USD checkout (the stand-in names it cs_test_a1), not yet recorded as paid.</summary>
    private async Task<(string Sid, string Visitor)> CheckoutStartedAsync()
    {
        var browser = _app.Browser();
        var created = await browser.NewSessionAsync("https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=spring");
        var sid = created.GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await browser.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        return (sid, created.GetProperty("visitorId").GetString()!);
    }

    private string Refund(string metadata, DateTimeOffset? at = null) =>
        StripeRefundEvents.Refunded("evt_early_refund", Charge, Intent, 2500, 1000, at ?? _app.Clock.GetUtcNow(), metadata);

    private async Task<JsonElement> TotalsAsync()
    {
        using var ops = _app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        return (await ops.GetFromJsonAsync<JsonElement>("/reports/attribution?groupBy=campaign")).GetProperty("totals");
    }

    [Fact]
    public async Task A_refund_of_our_charge_before_its_donation_is_refused_then_counts_once_after_it()
    {
        var (sid, visitor) = await CheckoutStartedAsync();
        var refund = Refund(StripeRefundEvents.OurPaymentMetadata(sid));
        var before = await RedisSnapshot.TakeAsync(_app);

        var early = await _app.DeliverWebhookAsync(refund);

        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("payment_intent", (await early.ProblemAsync()).GetProperty("field").GetString());
        Assert.Equal(before, await RedisSnapshot.TakeAsync(_app));

        // Stripe delivers the completed Checkout Session again, then the refund again: each counts once.
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeRefundEvents.Paid("evt_paid", "cs_test_a1", sid, visitor, Intent, 2500, _app.Clock.GetUtcNow()))).StatusCode);
        var late = await _app.DeliverWebhookAsync(refund);
        Assert.Equal("recorded-refund", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal("duplicate-event", (await (await _app.DeliverWebhookAsync(refund)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());

        var totals = await TotalsAsync();
        Assert.Equal(25m, totals.GetProperty("revenue").GetProperty("usd").GetDecimal());
        Assert.Equal(10m, totals.GetProperty("refunded").GetProperty("usd").GetDecimal());
        Assert.Equal(15m, totals.GetProperty("net").GetProperty("usd").GetDecimal());
    }

    [Fact]
    public async Task A_charge_whose_mark_does_not_verify_or_a_refund_too_old_for_its_donation_to_come_is_acknowledged_and_changes_nothing()
    {
        var (sid, _) = await CheckoutStartedAsync();
        var before = await RedisSnapshot.TakeAsync(_app);
        string[] refunds =
        [
            Refund(StripeRefundEvents.OurPaymentMetadata(sid, StripeSigner.Mark(sid, "whsec_someone_else"))),
            // Created four days ago: Stripe has stopped retrying the donation's own (older) event.
            Refund(StripeRefundEvents.OurPaymentMetadata(sid), at: _app.Clock.GetUtcNow().AddDays(-4)),
        ];

        foreach (var refund in refunds)
        {
            var response = await _app.DeliverWebhookAsync(refund);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("not-ours", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        }
        Assert.Equal(before, await RedisSnapshot.TakeAsync(_app));
    }
}
