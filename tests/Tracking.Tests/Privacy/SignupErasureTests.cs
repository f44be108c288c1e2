using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Privacy;

/// <summary>A person who only signed up (never paid) is found, exported and erased by the e-mail address they gave.</summary>
public sealed class SignupErasureTests : IDisposable
{
    private const string Email = "Signup.Only@Example.net";

    private readonly DeliveryApp _app = DeliveryApp.Create();

    public SignupErasureTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_signup_only_visitor_is_found_by_email_exported_and_erased()
    {
        var client = _app.Browser();
        var created = await client.NewSessionAsync();
        var (sid, visitor) = (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/signup", new { sessionId = sid, email = Email, consent = true })).StatusCode);
        var ops = _app.Ops();

        var exported = await ops.PostAsJsonAsync("/ops/visitors/export", new { email = " signup.only@example.NET" });

        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        var export = Assert.Single((await exported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("visitors").EnumerateArray());
        Assert.Equal(visitor, export.GetProperty("visitorId").GetString());
        Assert.Equal(sid, Assert.Single(export.GetProperty("sessions").EnumerateArray()).GetProperty("sessionId").GetString());
        var hash = Assert.Single(export.GetProperty("emailHashes").EnumerateArray()).GetString()!;
        var ttl = await _app.Db.KeyTimeToLiveAsync(Keys.EmailIndex(hash));
        Assert.InRange(ttl!.Value, TimeSpan.FromDays(399), TimeSpan.FromDays(400));

        var erased = await (await ops.PostAsJsonAsync("/ops/visitors/erase", new { email = Email })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(1, erased.GetProperty("visitors").GetInt32());
        Assert.Equal(1, erased.GetProperty("sessions").GetInt32());
        Assert.Equal(1, erased.GetProperty("signups").GetInt32());
        Assert.Equal(1, erased.GetProperty("emailHashes").GetInt32());
        Assert.False(await _app.Db.KeyExistsAsync(Keys.EmailIndex(hash)));
        Assert.False(await _app.Db.KeyExistsAsync(Keys.Session(sid)));
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsJsonAsync("/ops/visitors/export", new { email = Email })).StatusCode);
    }

    [Fact]
    public async Task The_visitors_a_signup_adds_under_one_address_are_bounded()
    {
        for (var i = 0; i < IndexSet.MaxVisitorsPerEmail + 2; i++)
        {
            var client = _app.Browser().FromPeer($"198.51.100.{i % 250 + 1}");
            var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/signup", new { sessionId = sid, email = "crowded@example.net" })).StatusCode);
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("crowded@example.net"u8));
        Assert.Equal(IndexSet.MaxVisitorsPerEmail, await _app.Db.SetLengthAsync(Keys.EmailIndex(hash)));
    }
}
