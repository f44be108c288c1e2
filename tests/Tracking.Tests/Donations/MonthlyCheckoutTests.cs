using System.Net;
using System.Net.Http.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Donations;

/// <summary><c>POST /checkout</c> with <c>interval</c>: a subscription-mode Checkout Session, as Stripe's stand-in receives it.</summary>
public sealed class MonthlyCheckoutTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe();

    public MonthlyCheckoutTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_monthly_donation_asks_stripe_for_a_subscription_with_a_recurring_price_and_the_mark_on_the_subscription()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var response = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, interval = "month", campaign = "roof-fund" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(Assert.Single(_app.Calls(DeliveryApp.CheckoutPath)).RequestMessage.Body!);
        Assert.Equal("subscription", form["mode"]);
        Assert.Equal("month", form["line_items[0][price_data][recurring][interval]"]);
        Assert.Equal("2500", form["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("usd", form["line_items[0][price_data][currency]"]);
        Assert.Equal("1", form["line_items[0][quantity]"]);
        Assert.Equal(sid, form["client_reference_id"]);
        Assert.Equal(StripeSigner.Mark(sid), form["metadata[tracking_mark]"]);
        Assert.Equal("month", form["metadata[interval]"]);
        // The subscription carries the checkout's metadata, mark included: its invoices name it.
        Assert.Equal(sid, form["subscription_data[metadata][session_id]"]);
        Assert.Equal(StripeSigner.Mark(sid), form["subscription_data[metadata][tracking_mark]"]);
        Assert.Equal("roof-fund", form["subscription_data[metadata][campaign]"]);
        Assert.Equal("month", form["subscription_data[metadata][interval]"]);
        // Payment-mode options Stripe refuses in subscription mode.
        Assert.Null(form["submit_type"]);
        Assert.DoesNotContain(form.AllKeys, k => k!.StartsWith("payment_intent_data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_an_interval_the_donation_is_one_off()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });

        var form = System.Web.HttpUtility.ParseQueryString(Assert.Single(_app.Calls(DeliveryApp.CheckoutPath)).RequestMessage.Body!);
        Assert.Equal("payment", form["mode"]);
        Assert.Equal("donate", form["submit_type"]);
        Assert.DoesNotContain(form.AllKeys, k => k!.Contains("recurring", StringComparison.Ordinal) || k.StartsWith("subscription_data", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"sessionId":"SID","amount":25,"interval":"fortnight"}""")]
    [InlineData("""{"sessionId":"SID","amount":25,"interval":"year"}""")]     // a Stripe interval, but not in Donations__Intervals
    [InlineData("""{"sessionId":"SID","amount":25,"interval":""}""")]
    [InlineData("""{"sessionId":"SID","amount":25,"interval":1}""")]
    public async Task An_interval_outside_the_allow_list_is_a_problem_naming_interval_and_never_reaches_stripe(string body)
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var response = await client.PostJsonAsync("/checkout", body.Replace("SID", sid, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("interval", out _));
        Assert.Empty(_app.Calls(DeliveryApp.CheckoutPath));
    }

    [Fact]
    public async Task The_allow_list_is_donations_intervals()
    {
        using var app = DeliveryApp.CreateWithStripe(new() { ["Donations:Intervals:0"] = "year" });
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var monthly = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, interval = "month" });
        var yearly = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, interval = "year" });

        Assert.Equal(HttpStatusCode.BadRequest, monthly.StatusCode);
        Assert.Equal(HttpStatusCode.Created, yearly.StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(Assert.Single(app.Calls(DeliveryApp.CheckoutPath)).RequestMessage.Body!);
        Assert.Equal("year", form["line_items[0][price_data][recurring][interval]"]);
    }
}
