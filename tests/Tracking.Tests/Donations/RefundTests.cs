using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Donations;

/// <summary>
/// Refunds and disputes, signed and shaped as Stripe sends them, delivered out of order and twice: each takes money
/// back from the donation its PaymentIntent paid exactly once (refunded never above the payment), reports keep gross
/// revenue and show refunded and net on the donation's attribution, and PostHog hears each change once.
/// </summary>
public sealed class RefundTests : IDisposable
{
    private const string Intent = "pi_3QdonationA";
    private const string Charge = "ch_3QdonationA";
    private readonly DeliveryApp _app = DeliveryApp.CreateForRefunds(Intent);

    public void Dispose() => _app.Dispose();

    /// <summary>A visitor from the spring campaign donates 25 USD, paid by <see cref="Intent"/>.</summary>
    private async Task<string> DonateAsync()
    {
        var created = await _app.Browser().NewSessionAsync("https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=spring");
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        Assert.Equal("converted", await OutcomeAsync(StripeRefundEvents.Paid("evt_paid", "cs_test_r1", sid, visitor, Intent, 2500, _app.Clock.GetUtcNow())));
        return sid;
    }

    private async Task<string> OutcomeAsync(string payload)
    {
        var response = await _app.DeliverWebhookAsync(payload);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString()!;
    }

    private string Refund(string id, long refunded) => StripeRefundEvents.Refunded(id, Charge, Intent, 2500, refunded, _app.Clock.GetUtcNow());

    private string Dispute(string id, string type, string status) =>
        StripeRefundEvents.Dispute(id, type, "dp_1QdonationA", Charge, Intent, 2500, status, _app.Clock.GetUtcNow());

    private async Task<JsonElement> ReportAsync(string groupBy = "campaign")
    {
        using var ops = _app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        return await ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?groupBy={groupBy}");
    }

    private static decimal Usd(JsonElement money) => money.GetProperty("usd").GetDecimal();

    private async Task AssertRefundedAsync(decimal refunded)
    {
        var report = await ReportAsync();
        var (totals, spring) = (report.GetProperty("totals"), Assert.Single(report.GetProperty("rows").EnumerateArray()));
        Assert.Equal("spring", spring.GetProperty("key").GetString());
        foreach (var figures in new[] { totals, spring })
        {
            Assert.Equal(25m, Usd(figures.GetProperty("revenue")));
            Assert.Equal(refunded, Usd(figures.GetProperty("refunded")));
            Assert.Equal(25m - refunded, Usd(figures.GetProperty("net")));
        }
    }

    /// <summary>The values of every Donation Refunded PostHog got: the changes, which sum to what is refunded now.</summary>
    private async Task<List<decimal>> RefundsAtPostHogAsync()
    {
        await _app.RunRoundsAsync(2);
        return _app.PostHogEventsDelivered().Where(e => e.GetProperty("event").GetString() == "Donation Refunded")
            .Select(e => e.GetProperty("properties").GetProperty("value").GetDecimal()).ToList();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_partial_refund_and_then_a_full_one_end_at_net_zero_however_delivered(bool fullArrivesFirst)
    {
        await DonateAsync();
        string[] events = fullArrivesFirst ? [Refund("evt_full", 2500), Refund("evt_partial", 1000)] : [Refund("evt_partial", 1000), Refund("evt_full", 2500)];

        Assert.Equal(["recorded-refund", "recorded-refund"], [await OutcomeAsync(events[0]), await OutcomeAsync(events[1])]);
        Assert.Equal(["duplicate-event", "duplicate-event"], [await OutcomeAsync(events[1]), await OutcomeAsync(events[0])]);

        await AssertRefundedAsync(25m);
        var changes = await RefundsAtPostHogAsync();
        Assert.Equal(fullArrivesFirst ? [25m] : [10m, 15m], changes.Order());
    }

    [Fact]
    public async Task Refunds_of_one_donation_delivered_at_once_are_each_applied_over_the_other()
    {
        await DonateAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => OutcomeAsync(Refund($"evt_concurrent_{i}", 500 * (i + 2)))));

        Assert.All(outcomes, o => Assert.Equal("recorded-refund", o));
        await AssertRefundedAsync(25m);
        Assert.Equal(25m, (await RefundsAtPostHogAsync()).Sum());
    }

    [Fact]
    public async Task A_dispute_lost_and_then_a_refund_of_the_same_charge_count_once()
    {
        await DonateAsync();

        // Closed before created (Stripe does not promise order), each twice, then a full refund.
        Assert.Equal("recorded-dispute", await OutcomeAsync(Dispute("evt_lost", "charge.dispute.closed", "lost")));
        Assert.Equal("recorded-dispute", await OutcomeAsync(Dispute("evt_opened", "charge.dispute.created", "needs_response")));
        Assert.Equal("duplicate-event", await OutcomeAsync(Dispute("evt_lost", "charge.dispute.closed", "lost")));
        Assert.Equal("recorded-refund", await OutcomeAsync(Refund("evt_refund", 2500)));
        Assert.Equal("duplicate-event", await OutcomeAsync(Dispute("evt_opened", "charge.dispute.created", "needs_response")));

        await AssertRefundedAsync(25m);
        Assert.Equal([25m], await RefundsAtPostHogAsync());
    }

    [Fact]
    public async Task A_dispute_takes_the_money_while_open_and_a_won_one_restores_it()
    {
        await DonateAsync();

        Assert.Equal("recorded-dispute", await OutcomeAsync(Dispute("evt_opened", "charge.dispute.created", "needs_response")));
        await AssertRefundedAsync(25m);
        Assert.Equal("recorded-dispute", await OutcomeAsync(Dispute("evt_won", "charge.dispute.closed", "won")));
        // A replay of the opening after the close never reopens it.
        Assert.Equal("duplicate-event", await OutcomeAsync(Dispute("evt_opened", "charge.dispute.created", "needs_response")));

        await AssertRefundedAsync(0m);
        Assert.Equal([-25m, 25m], (await RefundsAtPostHogAsync()).Order());
    }

    [Fact]
    public async Task An_inquiry_takes_no_money()
    {
        await DonateAsync();

        Assert.Equal("recorded-dispute", await OutcomeAsync(Dispute("evt_inquiry", "charge.dispute.created", "warning_needs_response")));

        await AssertRefundedAsync(0m);
        Assert.Empty(await RefundsAtPostHogAsync());
    }

    [Fact]
    public async Task A_refund_or_dispute_of_a_charge_this_service_did_not_create_changes_nothing()
    {
        await DonateAsync();
        await _app.RunRoundsAsync();
        var before = await RedisSnapshot.TakeAsync(_app);
        var sent = _app.Calls(DeliveryApp.PostHogPath).Count();

        Assert.Equal("not-ours", await OutcomeAsync(StripeRefundEvents.Refunded("evt_foreign", "ch_foreign", "pi_foreign", 77700, 77700, _app.Clock.GetUtcNow())));
        Assert.Equal("not-ours", await OutcomeAsync(
            StripeRefundEvents.Dispute("evt_foreign_dp", "charge.dispute.closed", "dp_foreign", "ch_foreign", "pi_foreign", 77700, "lost", _app.Clock.GetUtcNow())));

        Assert.Equal(before, await RedisSnapshot.TakeAsync(_app));
        await _app.RunRoundsAsync();
        Assert.Equal(sent, _app.Calls(DeliveryApp.PostHogPath).Count());
        await AssertRefundedAsync(0m);
    }
}
