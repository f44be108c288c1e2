using System.Net;
using System.Net.Http.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Donations;

/// <summary>
/// Stripe Checkout Sessions have a per-client budget across sessions: fresh sessions buy no more of them. Stripe is a
/// WireMock stand-in, so "Stripe is not called" is its request count.
/// </summary>
public sealed class CheckoutBudgetTests
{
    [Fact]
    public async Task Past_the_checkout_budget_a_client_gets_429_across_fresh_sessions_and_stripe_is_not_called()
    {
        using var app = DeliveryApp.CreateWithStripe(new() { ["Donations:CheckoutsPerClientPerHour"] = "2" });
        app.StubMetaOk();
        app.StubPostHogOk();
        async Task<HttpResponseMessage> CheckoutInAFreshSessionAsync(string peer)
        {
            var client = app.Browser().FromPeer(peer);
            var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
            return await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });
        }

        var first = await CheckoutInAFreshSessionAsync("198.51.100.60");
        var second = await CheckoutInAFreshSessionAsync("198.51.100.60");
        var refused = await CheckoutInAFreshSessionAsync("198.51.100.60");
        var stripeCalls = app.Calls(DeliveryApp.CheckoutPath).Count();
        var otherClient = await CheckoutInAFreshSessionAsync("198.51.100.61");
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        var nextHour = await CheckoutInAFreshSessionAsync("198.51.100.60");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(2, stripeCalls);
        Assert.True(refused.Headers.RetryAfter?.Delta is { } wait && wait >= TimeSpan.FromSeconds(1) && wait <= TimeSpan.FromHours(1), "Retry-After within the hour");
        Assert.Equal("Donations:CheckoutsPerClientPerHour", (await refused.ProblemAsync()).GetProperty("limit").GetString());
        Assert.Equal(HttpStatusCode.Created, otherClient.StatusCode);
        Assert.Equal(HttpStatusCode.Created, nextHour.StatusCode);
        Assert.Equal(4, app.Calls(DeliveryApp.CheckoutPath).Count());
    }
}
