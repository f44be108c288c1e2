using Tracking.Edge;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Donations;
using Tracking.Infrastructure;
using Tracking.Tests.Support;

namespace Tracking.Tests.Donations;

/// <summary>The checkout use case on its own: real Redis, Stripe as the local stand-in (its request log tells what reached Stripe).</summary>
public sealed class CreateCheckoutTests : IDisposable
{
    private static readonly ClientContext Client = new("203.0.113.7", ApiCalls.IphoneSafari, "US");
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe(new() { ["Donations:MaxCheckoutsPerSession"] = "1" });

    public CreateCheckoutTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private CreateCheckout UseCase => _app.Services.GetRequiredService<CreateCheckout>();

    private async Task<string> SessionAsync() => (await _app.Browser().NewSessionAsync()).GetProperty("sessionId").GetString()!;

    private static CheckoutOrder Order(string sid, long minor = 2550) => new(sid, minor, "usd", null, "trailer", null, null, null);

    [Fact]
    public async Task An_order_for_a_live_session_creates_the_checkout_and_records_InitiateCheckout()
    {
        var sid = await SessionAsync();

        var result = await UseCase.RunAsync(Order(sid), Client, "https://film.example/donate", CancellationToken.None);

        Assert.Equal(CheckoutStatus.Created, result.Status);
        Assert.Equal("cs_test_a1", result.Created!.CheckoutSessionId);
        Assert.Single(_app.Calls(DeliveryApp.CheckoutPath));
        var events = (await _app.Ops().GetFromJsonAsync<System.Text.Json.JsonElement>($"/session/{sid}")).GetProperty("events");
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("event").GetString() == "InitiateCheckout" && e.GetProperty("value").GetDecimal() == 25.5m);
    }

    [Fact]
    public async Task An_unknown_session_is_refused_before_Stripe_is_called()
    {
        var result = await UseCase.RunAsync(Order(Tracking.Storage.Ids.NewSessionId()), Client, null, CancellationToken.None);

        Assert.Equal(CheckoutStatus.UnknownSession, result.Status);
        Assert.Empty(_app.Calls(DeliveryApp.CheckoutPath));
    }

    [Fact]
    public async Task A_session_past_its_checkout_limit_is_refused_before_Stripe_is_called()
    {
        var sid = await SessionAsync();
        Assert.Equal(CheckoutStatus.Created, (await UseCase.RunAsync(Order(sid, 2550), Client, null, CancellationToken.None)).Status);

        var second = await UseCase.RunAsync(Order(sid, 5000), Client, null, CancellationToken.None);

        Assert.Equal(CheckoutStatus.LimitReached, second.Status);
        Assert.Single(_app.Calls(DeliveryApp.CheckoutPath));
    }

    [Fact]
    public async Task A_double_click_reuses_its_slot_and_Stripe_idempotency_key()
    {
        var sid = await SessionAsync();

        var first = await UseCase.RunAsync(Order(sid), Client, null, CancellationToken.None);
        var again = await UseCase.RunAsync(Order(sid), Client, null, CancellationToken.None);

        Assert.Equal(CheckoutStatus.Created, first.Status);
        Assert.Equal(CheckoutStatus.Created, again.Status);
        var keys = _app.Calls(DeliveryApp.CheckoutPath).Select(c => c.RequestMessage.Headers!["Idempotency-Key"].Single()).Distinct();
        Assert.Single(keys);
    }
}
