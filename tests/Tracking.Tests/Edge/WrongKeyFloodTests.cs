using System.Net;
using System.Net.Http.Headers;
using Tracking.Edge;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// A wrong-key flood from many addresses locks out only the guessers: each client's wrong keys are its own count,
/// so an operator who never sent a wrong key gets in, and every count expires within the minute.
/// </summary>
public sealed class WrongKeyFloodTests
{
    private const int Flood = 20_000;
    private const string Proxy = "10.0.0.1";

    [Fact]
    public async Task A_wrong_key_flood_from_20000_clients_never_locks_out_a_client_that_sent_none()
    {
        using var app = new TrackingApp(new() { ["Ops:ApiKey"] = OpsKey.Value, ["Tracking:TrustedProxies:0"] = "10.0.0.0/8" }, isolated: true);
        HttpClient Through(string client, string key)
        {
            var http = app.CreateClient().FromPeer(Proxy);
            http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return http;
        }

        app.StartServer(); // before the parallel clients, or each of the first ones would build a host of its own
        // 20,000 one-shot wrong keys, each from its own address (198.18.0.0/15), sixteen at a time.
        var statuses = new HttpStatusCode[Flood];
        await Parallel.ForAsync(0, Flood, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            using var guesser = Through($"198.18.{i / 256}.{i % 256}", $"guess-{i}-0123456789abcdef0123456789");
            statuses[i] = (await guesser.GetAsync("/ops/deliveries?state=dead", token)).StatusCode;
        });
        var operatorStatus = (await Through("203.0.113.77", OpsKey.Value).GetAsync("/ops/deliveries?state=dead")).StatusCode;

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.OK, operatorStatus);
        // Bounded: one key per guessing client, each expiring within the minute.
        var counts = RedisServer.Shared.Keys(app.Database, Keys.ClientBudget(OpsKeyFailures.Budget.Name, "*")).ToList();
        Assert.Equal(Flood, counts.Count);
        var lives = await Task.WhenAll(counts.Take(200).Select(k => app.Db.KeyTimeToLiveAsync(k)));
        Assert.All(lives, ttl => Assert.InRange(ttl!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)));
    }
}
