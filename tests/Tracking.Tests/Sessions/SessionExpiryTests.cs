using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>
/// POST /session answers <c>expiresAt</c> = when Redis expires the session, on creation and on every touch: the
/// configured TTL (a non-default one here, not a constant) from Redis's now when the keys are (re)set, never after
/// their real expiry, and taken from the keys when a touch leaves them (refreshed only once run down,
/// Events/EventTtlTests). The snippet keeps the id exactly that long.
/// </summary>
public sealed class SessionExpiryTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(3);

    private readonly TrackingApp _app = new(new() { ["Tracking:SessionTtlDays"] = "3" }, isolated: true);

    public void Dispose() => _app.Dispose();

    // When Redis expires the key (ms since the epoch).
    private async Task<long> ExpiryAsync(string key) => (long)await _app.Db.ExecuteAsync("PEXPIRETIME", key);

    [Fact]
    public async Task A_new_and_a_touched_session_answer_when_redis_expires_it_the_configured_ttl_ahead()
    {
        var client = _app.Browser();

        var created = await client.NewSessionAsync();

        var sid = created.GetProperty("sessionId").GetString()!;
        var answered = created.GetProperty("expiresAt").GetInt64();
        var ahead = DateTimeOffset.FromUnixTimeMilliseconds(answered) - DateTimeOffset.UtcNow;
        Assert.InRange(ahead, Ttl - TimeSpan.FromMinutes(1), Ttl);
        // Never after the key's own expiry, and within a second of it (both read Redis's clock in one script).
        Assert.InRange(await ExpiryAsync(Keys.Session(sid)) - answered, 0, 1000);

        // Five hours gone on Redis's clock: the keys have run down, so the touch renews them and says so.
        foreach (var key in new[] { Keys.Session(sid), Keys.Events(sid), Keys.Seen(sid), Keys.Client(sid), Keys.Touches(sid) })
        {
            await _app.Db.KeyExpireAsync(key, Ttl - TimeSpan.FromHours(5));
        }
        var touched = await client.PostAsJsonAsync("/session", new { url = "https://film.example/about", sessionId = sid });

        Assert.Equal(HttpStatusCode.OK, touched.StatusCode);
        var body = await touched.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(sid, body.GetProperty("sessionId").GetString());
        var renewed = body.GetProperty("expiresAt").GetInt64();
        Assert.InRange(renewed - answered, 0, (long)TimeSpan.FromMinutes(1).TotalMilliseconds);
        Assert.InRange(await ExpiryAsync(Keys.Touches(sid)) - renewed, 0, 1000);
    }
}
