using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Donations;

/// <summary>Purchase carries the method Stripe actually used (from the PaymentIntent) and guest/customer checkout.</summary>
public sealed class PaymentMethodTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe();

    public PaymentMethodTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private async Task<(string Sid, string Payload)> PaidAsync(string customer)
    {
        var client = _app.Browser();
        var created = await client.NewSessionAsync();
        var sid = created.GetProperty("sessionId").GetString()!;
        await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });
        var payload = StripeSigner.CheckoutEvent("evt_1", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", _app.Clock.GetUtcNow(),
            "donor@example.com", created.GetProperty("visitorId").GetString())
            .Replace("\"mode\":\"payment\",", $"\"mode\":\"payment\",\"payment_intent\":\"pi_1\",{customer}", StringComparison.Ordinal);
        return (sid, payload);
    }

    [Fact]
    public async Task The_method_stripe_used_and_the_checkout_type_reach_the_session_the_event_and_posthog()
    {
        _app.Stub.Given(Request.Create().WithPath("/v1/payment_intents/pi_1").UsingGet().WithParam("expand[0]", "payment_method"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"id":"pi_1","object":"payment_intent","amount":2500,"currency":"usd","status":"succeeded","payment_method":{"id":"pm_1","object":"payment_method","type":"link"}}"""));
        var (sid, payload) = await PaidAsync("\"customer\":\"cus_1\",");

        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(payload)).StatusCode);

        var hash = (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("link", hash["payment_method"]);
        Assert.Equal("customer", hash["checkout_type"]);
        var purchase = (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => JsonDocument.Parse(v.ToString()).RootElement)
            .Single(e => e.GetProperty("event").GetString() == "Purchase");
        Assert.Equal("link", purchase.GetProperty("payment_method").GetString());
        Assert.Equal("customer", purchase.GetProperty("checkout_type").GetString());
        await _app.RunRoundsAsync();
        var donation = _app.PostHogEventsDelivered().Single(e => e.GetProperty("event").GetString() == "Donation Completed").GetProperty("properties");
        Assert.Equal("link", donation.GetProperty("payment_method").GetString());
        Assert.Equal("customer", donation.GetProperty("checkout_type").GetString());
    }

    [Fact]
    public async Task Stripe_not_answering_records_the_payment_without_a_method()
    {
        _app.Stub.Given(Request.Create().WithPath("/v1/payment_intents/pi_1").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(500).WithBodyAsJson(new { error = new { type = "api_error", message = "down" } }));
        var (sid, payload) = await PaidAsync("");

        var response = await _app.DeliverWebhookAsync(payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hash = (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("true", hash["donation_completed"]);
        Assert.Equal("guest", hash["checkout_type"]);
        Assert.False(hash.ContainsKey("payment_method"));
    }
}
