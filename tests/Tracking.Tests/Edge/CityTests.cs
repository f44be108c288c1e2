using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>The CDN's city header: believed from a trusted proxy only; Meta gets ct, SHA-256 of the normalised city.</summary>
public sealed class CityTests
{
    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    [Theory]
    [InlineData("10.0.0.5", "Los Angeles", "losangeles")]
    [InlineData("10.0.0.5", "St. John's", "stjohns")]
    [InlineData("203.0.113.9", "Los Angeles", null)] // not a trusted proxy: the sender's own claim
    public async Task The_city_is_stored_from_a_trusted_proxy_and_meta_gets_its_normalised_hash(string peer, string header, string? normalised)
    {
        using var app = DeliveryApp.Create(new() { ["Tracking:TrustedProxies:0"] = "10.0.0.0/8" });
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser(country: "US").FromPeer(peer);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        client.DefaultRequestHeaders.Add("CF-IPCity", header);

        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"city"}""")).StatusCode);
        await app.RunUntilAsync(() => app.MetaEventsDelivered().Count == 1, "the PageView delivered to Meta");

        var userData = app.MetaEventsDelivered().Single().GetProperty("user_data");
        if (normalised is null)
        {
            Assert.False(await app.Db.HashExistsAsync(Keys.Session(sid), "city"));
            Assert.False(userData.TryGetProperty("ct", out _));
        }
        else
        {
            Assert.Equal(header, (string?)await app.Db.HashGetAsync(Keys.Session(sid), "city"));
            Assert.Equal([Sha256(normalised)], userData.GetProperty("ct").EnumerateArray().Select(e => e.GetString()));
        }
    }
}
