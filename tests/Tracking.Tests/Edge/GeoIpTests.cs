using System.Net;
using System.Security.Cryptography;
using System.Text;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// <c>Tracking:GeoIpDatabase</c> with a real GeoLite2 City database: the visitor's city and country when the CDN
/// sent no trusted header; the headers win; private addresses are not looked up; a bad file stops the start.
/// </summary>
public sealed class GeoIpTests
{
    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static async Task<(string? City, string? Country, System.Text.Json.JsonElement UserData)> LandAsync(string peer, string? cityHeader = null, string? countryHeader = null,
        string? database = null)
    {
        using var app = DeliveryApp.Create(new()
        {
            ["Tracking:GeoIpDatabase"] = database ?? GeoLiteCity.Setting,
            ["Tracking:TrustedProxies:0"] = "10.0.0.0/8",
        });
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser(country: countryHeader).FromPeer(cityHeader is null && countryHeader is null ? peer : "10.0.0.5");
        if (cityHeader is not null || countryHeader is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", peer);
        }
        if (cityHeader is not null)
        {
            client.DefaultRequestHeaders.Add("CF-IPCity", cityHeader);
        }
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"geo"}""")).StatusCode);
        await app.RunUntilAsync(() => app.MetaEventsDelivered().Count == 1, "the PageView delivered to Meta");
        var session = Keys.Session(sid);
        return ((string?)await app.Db.HashGetAsync(session, "city"), (string?)await app.Db.HashGetAsync(session, "country"),
            app.MetaEventsDelivered().Single().GetProperty("user_data"));
    }

    [Theory]
    [InlineData("81.2.69.142", "Bracknell", "GB")]               // IPv4 file
    [InlineData("2a02:26f0:fe::5c", null, "NL")]                 // IPv6 file: a country but no city known
    public async Task Without_headers_the_database_gives_city_and_country_and_meta_gets_ct(string ip, string? city, string? country)
    {
        var (storedCity, storedCountry, userData) = await LandAsync(ip);

        Assert.Equal(city, storedCity);
        Assert.Equal(country, storedCountry);
        if (city is null)
        {
            Assert.False(userData.TryGetProperty("ct", out _));
        }
        else
        {
            Assert.Equal([Sha256(city.ToLowerInvariant())], userData.GetProperty("ct").EnumerateArray().Select(e => e.GetString()));
        }
        Assert.Equal([Sha256(country!.ToLowerInvariant())], userData.GetProperty("country").EnumerateArray().Select(e => e.GetString()));
    }

    // MaxMind's own file goes through MaxMind.GeoIP2's DatabaseReader (its City schema: city.names.en,
    // country.iso_code); read as the flat schema it would give neither, so a filled city proves that path.
    [Theory]
    [InlineData("128.101.101.101", "Minneapolis", "US")]
    [InlineData("8.8.8.8", null, "US")]                          // anycast: a country, no city
    [InlineData("2a02:26f0:fe::5c", null, "NL")]                 // one file holds IPv6 too
    public async Task MaxMinds_own_city_database_is_read_through_geoip2_and_meta_gets_ct(string ip, string? city, string country)
    {
        var (storedCity, storedCountry, userData) = await LandAsync(ip, database: GeoLiteCity.OfficialSetting);

        Assert.Equal(city, storedCity);
        Assert.Equal(country, storedCountry);
        Assert.Equal(city is null ? null : [Sha256(city.ToLowerInvariant())], userData.TryGetProperty("ct", out var ct) ? ct.EnumerateArray().Select(e => e.GetString()).ToArray() : null);
        Assert.Equal([Sha256(country.ToLowerInvariant())], userData.GetProperty("country").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_cdn_headers_win_over_the_database()
    {
        var (city, country, _) = await LandAsync("81.2.69.142", cityHeader: "Los Angeles", countryHeader: "US");

        Assert.Equal("Los Angeles", city);
        Assert.Equal("US", country);
    }

    [Fact]
    public async Task A_trusted_country_header_alone_still_gets_the_city_from_the_database()
    {
        var (city, country, _) = await LandAsync("81.2.69.142", countryHeader: "GB");

        Assert.Equal("Bracknell", city);
        Assert.Equal("GB", country);
    }

    [Fact]
    public async Task A_private_address_is_not_looked_up()
    {
        var (city, country, userData) = await LandAsync("192.168.1.20");

        Assert.Null(city);
        Assert.Null(country);
        Assert.False(userData.TryGetProperty("ct", out _));
    }

    [Fact]
    public void A_missing_database_stops_the_start_naming_the_key() =>
        StartUp.AssertRefused("Tracking:GeoIpDatabase", "/nonexistent/GeoLite2-City.mmdb", "Tracking:GeoIpDatabase");
}
