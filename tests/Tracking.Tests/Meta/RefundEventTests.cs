using System.Net;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Meta;

/// <summary>The Conversions API has no refund: Meta hears of one only as the custom event Meta:RefundEventName names.</summary>
public sealed class RefundEventTests
{
    private static async Task<DeliveryApp> RefundedAsync(Dictionary<string, string?>? settings = null)
    {
        var app = DeliveryApp.CreateWithStripe(settings);
        app.StubMetaOk();
        app.StubPostHogOk();
        app.Stub.Given(Request.Create().WithPath("/v1/payment_intents/pi_meta").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"id":"pi_meta","object":"payment_intent","amount":2500,"currency":"usd","status":"succeeded","payment_method":{"id":"pm_1","object":"payment_method","type":"card"}}"""));
        var created = await app.Browser().NewSessionAsync();
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(StripeRefundEvents.Paid("evt_paid", "cs_meta", sid, visitor, "pi_meta", 2500, app.Clock.GetUtcNow()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(StripeRefundEvents.Refunded("evt_refund_meta", "ch_meta", "pi_meta", 2500, 1000, app.Clock.GetUtcNow()))).StatusCode);
        await app.RunRoundsAsync(2);
        return app;
    }

    [Fact]
    public async Task By_default_meta_hears_nothing_of_a_refund()
    {
        await using var app = await RefundedAsync();

        Assert.Equal(["Purchase"], app.MetaEventsDelivered().Select(e => e.GetProperty("event_name").GetString()));
    }

    [Fact]
    public async Task A_named_refund_event_carries_the_refunded_amount_under_the_stripe_event_id()
    {
        await using var app = await RefundedAsync(new() { ["Meta:RefundEventName"] = "DonationRefund" });

        var refund = Assert.Single(app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() == "DonationRefund");
        Assert.Equal("evt_refund_meta", refund.GetProperty("event_id").GetString());
        Assert.Equal(10m, refund.GetProperty("custom_data").GetProperty("value").GetDecimal());
        Assert.Equal("USD", refund.GetProperty("custom_data").GetProperty("currency").GetString());
    }
}
