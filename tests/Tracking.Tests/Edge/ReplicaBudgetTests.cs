using System.Net;
using System.Net.Http.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// Two service hosts on one Redis, as two replicas behind a load balancer: the budgets are one count, so a client
/// spreading its requests over both gets no more than the budget.
/// </summary>
public sealed class ReplicaBudgetTests
{
    private const string Landing = "https://film.example/watch?utm_source=facebook&utm_campaign=winter";

    /// <summary>Settings that put a second host on <paramref name="first"/>'s Redis database.</summary>
    private static Dictionary<string, string?> Sharing(TrackingApp first, Dictionary<string, string?> settings)
    {
        settings["Redis:ConnectionString"] = RedisServer.Shared.ConnectionString + (RedisServer.Shared.IsCluster ? "" : $",defaultDatabase={first.Database}");
        return settings;
    }

    [Fact]
    public async Task The_new_session_budget_holds_across_two_replicas()
    {
        var settings = new Dictionary<string, string?> { ["Tracking:NewSessionsPerMinute"] = "30" };
        using var a = new TrackingApp(new(settings), isolated: true);
        using var b = new TrackingApp(Sharing(a, new(settings)));
        var fromA = a.Browser().FromPeer("198.51.100.70");
        var fromB = b.Browser().FromPeer("198.51.100.70");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add((await (i % 2 == 0 ? fromA : fromB).PostAsJsonAsync("/session", new { url = Landing })).StatusCode);
        }
        var thirtyFirstOnB = await fromB.PostAsJsonAsync("/session", new { url = Landing });
        var thirtyFirstOnA = await fromA.PostAsJsonAsync("/session", new { url = Landing });

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, thirtyFirstOnB.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, thirtyFirstOnA.StatusCode);
        Assert.Equal("Tracking:NewSessionsPerMinute", (await thirtyFirstOnB.ProblemAsync()).GetProperty("limit").GetString());
    }

    [Fact]
    public async Task The_checkout_budget_holds_across_two_replicas()
    {
        using var a = DeliveryApp.CreateWithStripe(new() { ["Donations:CheckoutsPerClientPerHour"] = "3" });
        using var b = DeliveryApp.CreateWithStripe(Sharing(a, new() { ["Donations:CheckoutsPerClientPerHour"] = "3" }));
        foreach (var app in new[] { a, b })
        {
            app.StubMetaOk();
            app.StubPostHogOk();
        }
        async Task<HttpStatusCode> CheckoutAsync(DeliveryApp app)
        {
            var client = app.Browser().FromPeer("198.51.100.71");
            var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
            return (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode;
        }

        var statuses = new List<HttpStatusCode> { await CheckoutAsync(a), await CheckoutAsync(b), await CheckoutAsync(a) };
        var fourthOnB = await CheckoutAsync(b);
        var fourthOnA = await CheckoutAsync(a);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourthOnB);
        Assert.Equal(HttpStatusCode.TooManyRequests, fourthOnA);
        Assert.Equal(3, a.Calls(DeliveryApp.CheckoutPath).Count() + b.Calls(DeliveryApp.CheckoutPath).Count());
    }
}
