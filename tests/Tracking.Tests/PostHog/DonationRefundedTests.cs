using System.Net;
using System.Text.Json.Nodes;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.PostHog;

/// <summary>A refund reaches PostHog as Donation Refunded: the change's amount, the donation's campaign and page, a uuid from the Stripe event id.</summary>
public sealed class DonationRefundedTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe();

    public DonationRefundedTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        _app.Stub.Given(Request.Create().WithPath("/v1/payment_intents/pi_ph").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """{"id":"pi_ph","object":"payment_intent","amount":2500,"currency":"usd","status":"succeeded","payment_method":{"id":"pm_1","object":"payment_method","type":"card"}}"""));
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_partial_refund_is_sent_as_donation_refunded_exactly()
    {
        var created = await _app.Browser().NewSessionAsync("https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=spring");
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        var paidAt = _app.Clock.GetUtcNow();
        const string page = ",\"page_url\":\"https://film.example/donate?utm_source=facebook&utm_campaign=spring\",\"campaign\":\"festival-tour\",\"content\":\"trailer_30s\"";
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeRefundEvents.Paid("evt_paid", "cs_ph", sid, visitor, "pi_ph", 2500, paidAt, page))).StatusCode);
        await _app.RunRoundsAsync();
        var refundedAt = _app.Clock.GetUtcNow();

        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(StripeRefundEvents.Refunded("evt_refund_1", "ch_ph", "pi_ph", 2500, 1000, refundedAt))).StatusCode);
        await _app.RunRoundsAsync();

        var sent = _app.PostHogEventsDelivered().Single(e => e.GetProperty("event").GetString() == "Donation Refunded");
        var node = JsonNode.Parse(sent.GetRawText())!.AsObject();
        var firstTouch = (string)(await _app.Db.HashGetAsync(Keys.Session(sid), SessionField.FirstTouchTimestamp))!;
        // The refunded amount of this change (10 of 25), the Donation Completed's campaign and page; uuid and time from Stripe's event.
        var expected = $$"""
            {"event":"Donation Refunded","distinct_id":"{{visitor}}","properties":{
              "content":"trailer_30s","campaign":"festival-tour","refund_cause":"refund","tracking_event":"DonationRefunded","tracking_session_id":"{{sid}}",
              "$current_url":"https://film.example/donate?utm_source=facebook&utm_campaign=spring","$host":"film.example","$pathname":"/donate",
              "utm_source":"facebook","utm_campaign":"spring","$referrer":"$direct","$referring_domain":"$direct","$browser":"Safari","$device_type":"Mobile",
              "$geoip_disable":true,"value":10,"currency":"USD","$lib":"tracking-service",
              "$set_once":{"$initial_utm_source":"facebook","$initial_utm_medium":"paid","$initial_utm_campaign":"spring","first_touch_source":"facebook","first_touch_timestamp":"{{firstTouch}}"},
              "$set":{"last_touch_source":"facebook","last_touch_medium":"paid","last_touch_campaign":"spring","last_touch_timestamp":"{{firstTouch}}","session_count":"1"} },
             "timestamp":"{{DateTimeOffset.FromUnixTimeSeconds(refundedAt.ToUnixTimeSeconds()):O}}",
             "uuid":"{{Tracking.Infrastructure.Hashing.StableUuid($"{sid}:evt_refund_1")}}"}
            """;
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), node.ToJsonString());
    }
}
