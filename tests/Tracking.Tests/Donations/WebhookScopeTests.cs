using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Donations;

/// <summary>
/// Only Checkout Sessions this service created are recorded. Any other Checkout Session on the Stripe account — a
/// Payment Link whose buyer set client_reference_id to one of our session ids, a mark copied from another session, a
/// mark made with another key — is acknowledged (200, so Stripe stops retrying) and changes nothing: no session field,
/// no ledger, no conversion record, no outbox entry, nothing sent to Meta or PostHog.
/// </summary>
public sealed class WebhookScopeTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe();

    public WebhookScopeTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private async Task<(string Id, string Visitor)> SessionAsync()
    {
        var created = await _app.Browser().NewSessionAsync();
        return (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
    }

    /// <summary>A Checkout Session of a Payment Link: the buyer chose client_reference_id; metadata is the link's own.</summary>
    private string PaymentLink(string sid, string type = "checkout.session.completed", string status = "paid") => $$$"""
        {"id":"evt_pl_{{{type}}}","object":"event","api_version":"{{{Stripe.StripeConfiguration.ApiVersion}}}","created":{{{_app.Clock.GetUtcNow().ToUnixTimeSeconds()}}},
         "type":"{{{type}}}","livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},
         "data":{"object":{"id":"cs_live_link1","object":"checkout.session","mode":"payment","status":"complete","payment_link":"plink_1",
           "payment_status":"{{{status}}}","amount_total":77700,"currency":"usd","client_reference_id":"{{{sid}}}","metadata":{},
           "customer_details":{"email":"someone@example.com"} } } }
        """;

    private async Task AssertIgnoredAsync(string payload)
    {
        var before = await RedisSnapshot.TakeAsync(_app);

        var response = await _app.DeliverWebhookAsync(payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("not-ours", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal(before, await RedisSnapshot.TakeAsync(_app));
        await _app.RunRoundsAsync();
        Assert.Empty(_app.Calls(DeliveryApp.MetaPath));
        Assert.Empty(_app.Calls(DeliveryApp.PostHogPath));
    }

    /// <summary>After an ignored event, a Checkout Session the service did create still converts the same session.</summary>
    private async Task AssertOursStillConvertsAsync(string sid, string visitor)
    {
        var ours = StripeSigner.CheckoutEvent("evt_ours", "checkout.session.completed", "cs_test_ours", sid, "paid", 2500, "usd", _app.Clock.GetUtcNow(), visitorId: visitor);
        var response = await _app.DeliverWebhookAsync(ours);
        Assert.Equal("converted", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        await _app.RunRoundsAsync();
        Assert.Equal(25m, Assert.Single(_app.MetaEventsDelivered()).GetProperty("custom_data").GetProperty("value").GetDecimal());
    }

    [Theory]
    [InlineData("checkout.session.completed", "paid")]
    [InlineData("checkout.session.async_payment_succeeded", "paid")]
    [InlineData("checkout.session.async_payment_failed", "unpaid")]
    [InlineData("checkout.session.expired", "unpaid")]
    public async Task A_payment_link_naming_one_of_our_sessions_is_acknowledged_and_ignored(string type, string status)
    {
        var (sid, visitor) = await SessionAsync();

        await AssertIgnoredAsync(PaymentLink(sid, type, status));

        await AssertOursStillConvertsAsync(sid, visitor);
    }

    [Fact]
    public async Task A_mark_copied_from_another_session_does_not_verify()
    {
        var (sid, visitor) = await SessionAsync();
        var (other, _) = await SessionAsync();

        await AssertIgnoredAsync(StripeSigner.CheckoutEvent("evt_copy", "checkout.session.completed", "cs_copy", sid, "paid", 77700, "usd", _app.Clock.GetUtcNow(),
            visitorId: visitor, mark: StripeSigner.Mark(other)));

        await AssertOursStillConvertsAsync(sid, visitor);
    }

    [Fact]
    public async Task A_mark_made_with_another_key_is_ignored_and_logged_as_a_warning()
    {
        var (sid, visitor) = await SessionAsync();

        await AssertIgnoredAsync(StripeSigner.CheckoutEvent("evt_key", "checkout.session.completed", "cs_key", sid, "paid", 77700, "usd", _app.Clock.GetUtcNow(),
            visitorId: visitor, mark: StripeSigner.Mark(sid, "whsec_another_secret")));

        Assert.Contains(_app.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("cs_key", StringComparison.Ordinal));
        await AssertOursStillConvertsAsync(sid, visitor);
    }

    [Fact]
    public async Task A_marked_session_whose_client_reference_id_was_changed_is_ignored()
    {
        var (sid, visitor) = await SessionAsync();
        var (other, _) = await SessionAsync();
        var payload = StripeSigner.CheckoutEvent("evt_ref", "checkout.session.completed", "cs_ref", sid, "paid", 77700, "usd", _app.Clock.GetUtcNow(), visitorId: visitor)
            .Replace($"\"client_reference_id\":\"{sid}\"", $"\"client_reference_id\":\"{other}\"", StringComparison.Ordinal);

        await AssertIgnoredAsync(payload);

        await AssertOursStillConvertsAsync(sid, visitor);
    }
}
