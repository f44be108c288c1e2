using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// Behind a CDN and a load balancer, X-Forwarded-For holds "client, CDN edge": with <c>Tracking:ForwardLimit</c> 2 (both
/// trusted) the client is the visitor, not the CDN edge, and what the visitor wrote into the header is still not believed.
/// </summary>
public sealed class ForwardLimitTests
{
    private const string Balancer = "10.0.0.5";
    private const string CdnEdge = "198.51.100.20";

    private static TrackingApp Behind(string? forwardLimit)
    {
        var settings = new Dictionary<string, string?> { ["Tracking:TrustedProxies:0"] = "10.0.0.0/8", ["Tracking:TrustedProxies:1"] = "198.51.100.0/24" };
        if (forwardLimit is not null)
        {
            settings["Tracking:ForwardLimit"] = forwardLimit;
        }
        return new TrackingApp(settings);
    }

    private static async Task<string?> StoredIpAsync(TrackingApp app, string forwardedFor)
    {
        var client = app.Browser();
        client.DefaultRequestHeaders.Add(TestPeer.Header, Balancer);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        return await app.Db.HashGetAsync(Keys.Client(id), ClientField.Ip);
    }

    [Fact]
    public async Task Behind_a_cdn_and_a_load_balancer_a_forward_limit_of_two_finds_the_visitor()
    {
        using var app = Behind("2");

        Assert.Equal("203.0.113.7", await StoredIpAsync(app, $"203.0.113.7, {CdnEdge}"));
        // The visitor's own X-Forwarded-For entry (left of what the CDN appended) is a claim, not a hop.
        Assert.Equal("203.0.113.66", await StoredIpAsync(app, $"192.0.2.1, 203.0.113.66, {CdnEdge}"));
    }

    [Fact]
    public async Task The_default_of_one_hop_takes_the_cdn_edge_for_the_client()
    {
        using var app = Behind(null);

        Assert.Equal(CdnEdge, await StoredIpAsync(app, $"203.0.113.7, {CdnEdge}"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("11")]
    public void A_forward_limit_outside_1_to_10_stops_start_up(string value) => StartUp.AssertRefused("Tracking:ForwardLimit", value, "Tracking:ForwardLimit");
}
