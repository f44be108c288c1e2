using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>
/// POST /session answers <c>expiresAt</c> = now + Tracking__SessionTtlDays on creation, and on a touch when the
/// session's keys expire (refreshed to the full TTL once run down, Events/EventTtlTests): the snippet keeps the id
/// exactly that long, so it must be the server's TTL (a non-default one here) and not a constant.
/// </summary>
public sealed class SessionExpiryTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(3);

    // A fixed, whole-millisecond start so expiresAt can be compared exactly.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    private readonly TrackingApp _app;

    public SessionExpiryTests() => _app = new TrackingApp(
        new() { ["Tracking:SessionTtlDays"] = "3" }, services => services.AddSingleton<TimeProvider>(_clock), isolated: true);

    public void Dispose() => _app.Dispose();

    private long ExpectedExpiry => (_clock.GetUtcNow() + Ttl).ToUnixTimeMilliseconds();

    [Fact]
    public async Task A_new_and_a_touched_session_answer_now_plus_the_configured_ttl_which_is_the_keys_own_ttl()
    {
        var client = _app.Browser();

        var created = await client.NewSessionAsync();

        var sid = created.GetProperty("sessionId").GetString()!;
        Assert.Equal(ExpectedExpiry, created.GetProperty("expiresAt").GetInt64());
        // Redis keeps the session as long as the snippet is told (its TTL runs on Redis's clock: a minute's slack).
        var keyTtl = await _app.Db.KeyTimeToLiveAsync(Keys.Session(sid));
        Assert.NotNull(keyTtl);
        Assert.InRange(keyTtl.Value, Ttl - TimeSpan.FromMinutes(1), Ttl);

        _clock.Advance(TimeSpan.FromHours(5));
        // Five hours on Redis's clock too: the keys have run down, so the touch renews them.
        foreach (var key in new[] { Keys.Session(sid), Keys.Events(sid), Keys.Seen(sid), Keys.Client(sid), Keys.Touches(sid) })
        {
            await _app.Db.KeyExpireAsync(key, Ttl - TimeSpan.FromHours(5));
        }
        var touched = await client.PostAsJsonAsync("/session", new { url = "https://film.example/about", sessionId = sid });

        Assert.Equal(HttpStatusCode.OK, touched.StatusCode);
        var body = await touched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(sid, body.GetProperty("sessionId").GetString());
        Assert.Equal(ExpectedExpiry, body.GetProperty("expiresAt").GetInt64());
    }
}
