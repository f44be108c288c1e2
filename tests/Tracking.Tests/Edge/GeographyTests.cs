using System.Net;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// The country header is the CDN's word: believed only when the socket peer is a trusted proxy. From anyone else it
/// is the sender's choice, and it must neither be stored nor reach Meta (hashed, as the visitor's country).
/// </summary>
public sealed class GeographyTests
{
    // echo -n fr | sha256sum
    private const string Sha256Fr = "67ad8f41a7bb0a18c45f3efd8f6a32bdcd832bcf8f3f2eb44006c03d53076e18";

    [Theory]
    // No trusted proxies: nobody's header counts.
    [InlineData(null, "203.0.113.9", null, null)]
    // Proxies configured, but the sender is not one of them (and forges X-Forwarded-For too).
    [InlineData("10.0.0.0/8", "203.0.113.9", "10.0.0.7", null)]
    // Through the proxy (natively, and as an IPv4-mapped peer on a dual-stack socket).
    [InlineData("10.0.0.0/8", "10.0.0.5", "203.0.113.9", "FR")]
    [InlineData("10.0.0.0/8", "::ffff:10.0.0.5", "203.0.113.9", "FR")]
    public async Task The_country_header_counts_only_from_a_trusted_proxy(string? proxies, string peer, string? forwardedFor, string? stored)
    {
        using var app = DeliveryApp.Create(proxies is null ? null : new() { ["Tracking:TrustedProxies:0"] = proxies });
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser(country: "FR").FromPeer(peer);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"geo"}""")).StatusCode);
        await app.RunUntilAsync(() => app.MetaEventsDelivered().Count == 1, "the PageView delivered to Meta");

        Assert.Equal(stored, (string?)await app.Db.HashGetAsync(Keys.Session(sid), "country"));
        var userData = app.MetaEventsDelivered().Single().GetProperty("user_data");
        if (stored is null)
        {
            Assert.False(userData.TryGetProperty("country", out var sent), $"Meta received a country: {sent}");
        }
        else
        {
            Assert.Equal(Sha256Fr, userData.GetProperty("country").EnumerateArray().Single().GetString());
            Assert.Equal(forwardedFor, userData.GetProperty("client_ip_address").GetString());
        }
    }
}
