using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Donations;

/// <summary>
/// A monthly donation after its first payment: Stripe's signed invoice.paid and customer.subscription.deleted in the
/// pinned API version's shapes, delivered out of order and twice, against the real store and reports.
/// </summary>
public sealed class RenewalTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe(new() { ["Meta:RenewalEventName"] = "DonationRenewed" });
    private readonly DateTimeOffset _start;

    public RenewalTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        _start = _app.Clock.GetUtcNow();
    }

    public void Dispose() => _app.Dispose();

    /// <summary>A session landing from the <c>winter</c> ad campaign starts a monthly donation of 25 USD to <c>roof-fund</c>.</summary>
    private async Task<string> StartMonthlyAsync()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var created = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, interval = "month", campaign = "roof-fund" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return sid;
    }

    private async Task<string> DeliverAsync(string payload, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await _app.DeliverWebhookAsync(payload);
        Assert.Equal(expected, response.StatusCode);
        return expected == HttpStatusCode.OK
            ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString()!
            : (await response.ProblemAsync()).GetProperty("field").GetString()!;
    }

    private async Task<string> RenewAsync(string eventId, string invoiceId)
    {
        StripeSubscriptions.StubInvoicePayments(_app, invoiceId);
        return await DeliverAsync(StripeSubscriptions.InvoicePaid(_app, eventId, invoiceId, "subscription_cycle"));
    }

    private Task<JsonElement> ReportAsync(string path) =>
        _app.Ops().GetFromJsonAsync<JsonElement>($"{path}from={_start.AddDays(-1):yyyy-MM-dd}&to={_app.Clock.GetUtcNow():yyyy-MM-dd}");

    [Fact]
    public async Task A_first_payment_and_three_renewals_out_of_order_and_twice_are_credited_to_the_first_landings_campaign()
    {
        var sid = await StartMonthlyAsync();

        // Stripe's first invoice and an early renewal arrive before the completed Checkout Session.
        Assert.Equal("first-invoice", await DeliverAsync(StripeSubscriptions.InvoicePaid(_app, "evt_in0", "in_first", "subscription_create")));
        _app.Clock.Advance(TimeSpan.FromDays(30));
        var early = StripeSubscriptions.InvoicePaid(_app, "evt_r1", "in_r1", "subscription_cycle");
        Assert.Equal("subscription", await DeliverAsync(early, HttpStatusCode.Conflict));
        Assert.Equal("converted", await DeliverAsync(StripeSubscriptions.Completed(_app, "evt_cs", sid)));
        Assert.Equal("duplicate-event", await DeliverAsync(StripeSubscriptions.Completed(_app, "evt_cs", sid)));
        Assert.Equal("first-invoice", await DeliverAsync(StripeSubscriptions.InvoicePaid(_app, "evt_in0", "in_first", "subscription_create")));

        // Stripe delivers the refused renewal again; the next ones come a month apart, each twice.
        StripeSubscriptions.StubInvoicePayments(_app, "in_r1");
        Assert.Equal("renewed", await DeliverAsync(early));
        Assert.Equal("duplicate-event", await DeliverAsync(early));
        _app.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal("renewed", await RenewAsync("evt_r2", "in_r2"));
        Assert.Equal("already-converted", await RenewAsync("evt_r2_again", "in_r2"));
        _app.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal("renewed", await RenewAsync("evt_r3", "in_r3"));
        Assert.Equal("duplicate-event", await RenewAsync("evt_r3", "in_r3"));

        var byCampaign = await ReportAsync("/reports/attribution?model=last_touch&groupBy=campaign&");
        var row = Assert.Single(byCampaign.GetProperty("rows").EnumerateArray());
        Assert.Equal("winter", row.GetProperty("key").GetString());
        Assert.Equal(4, row.GetProperty("donations").GetDouble());
        Assert.Equal(100m, row.GetProperty("revenue").GetProperty("usd").GetDecimal());
        var bySelected = Assert.Single((await ReportAsync("/reports/attribution?groupBy=selected_campaign&")).GetProperty("rows").EnumerateArray());
        Assert.Equal("roof-fund", bySelected.GetProperty("key").GetString());
        Assert.Equal(4, bySelected.GetProperty("donations").GetDouble());
        var byPlatform = Assert.Single((await ReportAsync("/reports/attribution?groupBy=platform&")).GetProperty("rows").EnumerateArray());
        Assert.Equal("meta", byPlatform.GetProperty("key").GetString());

        var funnel = await ReportAsync("/reports/funnel?");
        var monthly = funnel.GetProperty("monthly");
        Assert.Equal(1, monthly.GetProperty("active").GetInt64());
        Assert.Equal(1, monthly.GetProperty("new").GetInt64());
        Assert.Equal(0, monthly.GetProperty("cancelled").GetInt64());
        Assert.Equal(25m, monthly.GetProperty("recurringRevenue").GetProperty("usd").GetDecimal());
        // Each renewal on the day it was paid; the first payment on the day Stripe's completed event came (with the first renewal).
        var days = funnel.GetProperty("daily").EnumerateArray().Where(d => d.GetProperty("donations").GetInt32() > 0)
            .ToDictionary(d => d.GetProperty("day").GetString()!, d => d.GetProperty("donations").GetInt32());
        Assert.Equal(new Dictionary<string, int> { [$"{_start.AddDays(30):yyyy-MM-dd}"] = 2, [$"{_start.AddDays(60):yyyy-MM-dd}"] = 1, [$"{_start.AddDays(90):yyyy-MM-dd}"] = 1 }, days);
    }

    [Fact]
    public async Task A_duplicated_invoice_paid_counts_once_and_reaches_posthog_and_meta_once()
    {
        var sid = await StartMonthlyAsync();
        await DeliverAsync(StripeSubscriptions.Completed(_app, "evt_cs", sid));
        await _app.RunRoundsAsync();
        _app.Clock.Advance(TimeSpan.FromDays(30));

        Assert.Equal("renewed", await RenewAsync("evt_r1", "in_r1"));
        var paidAt = _app.Clock.GetUtcNow().ToUnixTimeSeconds() - 60; // the invoice's status_transitions.paid_at
        Assert.Equal("duplicate-event", await RenewAsync("evt_r1", "in_r1"));
        await _app.RunRoundsAsync();

        var total = (await ReportAsync("/reports/attribution?")).GetProperty("totals");
        Assert.Equal(2, total.GetProperty("donations").GetInt32());
        Assert.Equal(50m, total.GetProperty("revenue").GetProperty("usd").GetDecimal());
        Assert.Equal("in_r1", (string?)await _app.Db.HashGetAsync(Keys.StripeLedger(sid), "pi:pi_in_r1"));

        var posthog = _app.PostHogEventsDelivered().ToDictionary(e => e.GetProperty("event").GetString()!);
        Assert.Equal(["$identify", "Checkout Started", "Donation Completed", "Donation Renewed"], posthog.Keys.Order(StringComparer.Ordinal));
        Assert.True(posthog["Donation Completed"].GetProperty("properties").GetProperty("recurring").GetBoolean());
        var renewed = posthog["Donation Renewed"].GetProperty("properties");
        Assert.True(renewed.GetProperty("recurring").GetBoolean());
        Assert.Equal("roof-fund", renewed.GetProperty("campaign").GetString());
        Assert.Equal("month", renewed.GetProperty("interval").GetString());
        Assert.Equal(25m, renewed.GetProperty("value").GetDecimal());
        Assert.Equal("USD", renewed.GetProperty("currency").GetString());
        Assert.Equal(sid, renewed.GetProperty("tracking_session_id").GetString());

        var meta = _app.MetaEventsDelivered().ToDictionary(e => e.GetProperty("event_name").GetString()!);
        Assert.Equal(["DonationRenewed", "InitiateCheckout", "Purchase"], meta.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("""{"value":25,"currency":"USD","campaign":"roof-fund","recurring":true}""", meta["Purchase"].GetProperty("custom_data").GetRawText());
        var renewal = meta["DonationRenewed"];
        Assert.Equal("in_r1", renewal.GetProperty("event_id").GetString());
        Assert.Equal(paidAt, renewal.GetProperty("event_time").GetInt64());
        Assert.Equal("""{"value":25,"currency":"USD","campaign":"roof-fund","recurring":true}""", renewal.GetProperty("custom_data").GetRawText());
    }

    [Fact]
    public async Task Refunds_of_a_first_payment_and_of_a_renewal_find_their_own_donations()
    {
        var sid = await StartMonthlyAsync();
        Assert.Equal("converted", await DeliverAsync(StripeSubscriptions.Completed(_app, "evt_cs", sid)));
        _app.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal("renewed", await RenewAsync("evt_r1", "in_r1"));

        // Subscription mode: the first payment's PaymentIntent is its invoice's (pi_in_first), each renewal's its own.
        var now = _app.Clock.GetUtcNow();
        Assert.Equal("recorded-refund", await DeliverAsync(StripeRefundEvents.Refunded("evt_rf1", "ch_r1", "pi_in_r1", 2500, 2500, now)));
        Assert.Equal("recorded-refund", await DeliverAsync(StripeRefundEvents.Refunded("evt_rf0", "ch_first", "pi_in_first", 2500, 1000, now)));
        Assert.Equal("duplicate-event", await DeliverAsync(StripeRefundEvents.Refunded("evt_rf1", "ch_r1", "pi_in_r1", 2500, 2500, now)));

        var totals = (await ReportAsync("/reports/attribution?")).GetProperty("totals");
        Assert.Equal(50m, totals.GetProperty("revenue").GetProperty("usd").GetDecimal());
        Assert.Equal(35m, totals.GetProperty("refunded").GetProperty("usd").GetDecimal());
        Assert.Equal(15m, totals.GetProperty("net").GetProperty("usd").GetDecimal());
    }

    [Fact]
    public async Task A_renewal_whose_payment_stripe_does_not_name_is_recorded_refused_and_linked_on_redelivery()
    {
        var sid = await StartMonthlyAsync();
        await DeliverAsync(StripeSubscriptions.Completed(_app, "evt_cs", sid));
        _app.Clock.Advance(TimeSpan.FromDays(30));
        // Stripe refuses the invoice-payments lookup once (a 400 is not retried by Stripe.net).
        _app.Stub.Given(Request.Create().WithPath("/v1/invoice_payments").WithParam("invoice", "in_r1").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"type":"invalid_request_error","message":"try later"}}"""));
        var renewal = StripeSubscriptions.InvoicePaid(_app, "evt_r1", "in_r1", "subscription_cycle");

        Assert.Equal("payment_intent", await DeliverAsync(renewal, HttpStatusCode.ServiceUnavailable));
        Assert.Equal(50m, (await ReportAsync("/reports/attribution?")).GetProperty("totals").GetProperty("revenue").GetProperty("usd").GetDecimal());

        // Stripe answers now; the redelivery links the payment without counting the renewal again.
        _app.Stub.Given(Request.Create().WithPath("/v1/invoice_payments").WithParam("invoice", "in_r1").UsingGet()).AtPriority(5)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"object":"list","url":"/v1/invoice_payments","has_more":false,"data":[{"id":"inpay_r1","object":"invoice_payment","amount_paid":2500,"amount_requested":2500,"currency":"usd","invoice":"in_r1","is_default":true,"livemode":false,"payment":{"type":"payment_intent","payment_intent":"pi_in_r1"},"status":"paid","status_transitions":{"canceled_at":null,"paid_at":1700000000}}]}"""));
        Assert.Equal("duplicate-event", await DeliverAsync(renewal));
        Assert.Equal("recorded-refund", await DeliverAsync(StripeRefundEvents.Refunded("evt_rf1", "ch_r1", "pi_in_r1", 2500, 2500, _app.Clock.GetUtcNow())));

        var totals = (await ReportAsync("/reports/attribution?")).GetProperty("totals");
        Assert.Equal(2, totals.GetProperty("donations").GetInt32());
        Assert.Equal(25m, totals.GetProperty("refunded").GetProperty("usd").GetDecimal());
    }

    [Fact]
    public async Task Without_a_renewal_event_name_meta_gets_no_renewal()
    {
        using var app = DeliveryApp.CreateWithStripe();
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, interval = "month" });
        await app.DeliverWebhookAsync(StripeSubscriptions.Completed(app, "evt_cs", sid));
        StripeSubscriptions.StubInvoicePayments(app, "in_r1");

        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(StripeSubscriptions.InvoicePaid(app, "evt_r1", "in_r1", "subscription_cycle"))).StatusCode);
        await app.RunRoundsAsync();

        Assert.Contains("Donation Renewed", app.PostHogEventsDelivered().Select(e => e.GetProperty("event").GetString()));
        Assert.Equal(["InitiateCheckout", "Purchase"], app.MetaEventsDelivered().Select(e => e.GetProperty("event_name").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_first_invoice_is_the_checkouts_payment_and_is_not_counted_again()
    {
        var sid = await StartMonthlyAsync();

        Assert.Equal("converted", await DeliverAsync(StripeSubscriptions.Completed(_app, "evt_cs", sid)));
        Assert.Equal("first-invoice", await DeliverAsync(StripeSubscriptions.InvoicePaid(_app, "evt_in0", "in_first", "subscription_create")));

        var totals = (await ReportAsync("/reports/attribution?")).GetProperty("totals");
        Assert.Equal(1, totals.GetProperty("donations").GetInt32());
        Assert.Equal(25m, totals.GetProperty("revenue").GetProperty("usd").GetDecimal());
    }

    [Fact]
    public async Task Invoices_and_subscriptions_of_a_foreign_subscription_change_nothing()
    {
        var sid = await StartMonthlyAsync();
        var before = await _app.Db.SortedSetLengthAsync(Keys.OutboxDue(Partitions.TagOf(sid)));
        var forged = StripeSubscriptions.SentMetadata(_app, "subscription_data[metadata]");
        forged["tracking_mark"] = StripeSigner.Mark(sid, "whsec_someone_else");

        Assert.Equal("not-ours", await DeliverAsync(StripeSubscriptions.InvoicePaid(_app, "evt_f1", "in_f1", "subscription_cycle", subscription: "sub_foreign", metadata: [])));
        Assert.Equal("not-ours", await DeliverAsync(StripeSubscriptions.InvoicePaid(_app, "evt_f2", "in_f2", "subscription_cycle", subscription: "sub_foreign", metadata: forged)));
        Assert.Equal("not-ours", await DeliverAsync(StripeSubscriptions.Deleted(_app, "evt_f3", subscription: "sub_foreign", metadata: forged)));

        Assert.False(await _app.Db.KeyExistsAsync(Keys.Subscriptions(sid)));
        Assert.False(await _app.Db.HashExistsAsync(Keys.StripeLedger(sid), "evt:evt_f1"));
        Assert.Equal(before, await _app.Db.SortedSetLengthAsync(Keys.OutboxDue(Partitions.TagOf(sid))));
        Assert.Equal(0, (await ReportAsync("/reports/attribution?")).GetProperty("totals").GetProperty("donations").GetInt32());
    }

    [Fact]
    public async Task A_cancelled_monthly_donation_leaves_the_active_ones_once_and_tells_posthog()
    {
        var sid = await StartMonthlyAsync();
        // Cancelled before its first payment is recorded: refused, so Stripe delivers it again.
        Assert.Equal("subscription", await DeliverAsync(StripeSubscriptions.Deleted(_app, "evt_del"), HttpStatusCode.Conflict));
        await DeliverAsync(StripeSubscriptions.Completed(_app, "evt_cs", sid));

        Assert.Equal("cancelled", await DeliverAsync(StripeSubscriptions.Deleted(_app, "evt_del")));
        Assert.Equal("duplicate-event", await DeliverAsync(StripeSubscriptions.Deleted(_app, "evt_del")));
        await _app.RunRoundsAsync();

        var monthly = (await ReportAsync("/reports/funnel?")).GetProperty("monthly");
        Assert.Equal(0, monthly.GetProperty("active").GetInt64());
        Assert.Equal(1, monthly.GetProperty("new").GetInt64());
        Assert.Equal(1, monthly.GetProperty("cancelled").GetInt64());
        Assert.Empty(monthly.GetProperty("recurringRevenue").EnumerateObject());
        var cancelled = Assert.Single(_app.PostHogEventsDelivered(), e => e.GetProperty("event").GetString() == "Monthly Donation Cancelled").GetProperty("properties");
        Assert.Equal("roof-fund", cancelled.GetProperty("campaign").GetString());
        Assert.False(cancelled.TryGetProperty("value", out _));
        Assert.DoesNotContain(_app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() != "InitiateCheckout" && e.GetProperty("event_name").GetString() != "Purchase");
    }

    [Fact]
    public async Task A_subscription_that_never_paid_ends_without_a_retry()
    {
        await StartMonthlyAsync();

        Assert.Equal("ignored", await DeliverAsync(StripeSubscriptions.Deleted(_app, "evt_del", status: "incomplete_expired")));
    }
}
