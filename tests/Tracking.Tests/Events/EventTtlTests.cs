using System.Net.Http.Json;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>
/// The session, its events and its dedup set live and die together, refreshed to Tracking:SessionTtlDays once their
/// TTL has run down by more than 30 s (the writes it saves are propagated to every replica), by an event or a page
/// load (which refreshes the touches list and client hash with them), and never leaves a key it creates without a TTL.
/// </summary>
public sealed class EventTtlTests(EventTtlTests.Fixture app) : SharedAppTests<EventTtlTests.Fixture>(app)
{
    public sealed class Fixture : TrackingApp;

    private static readonly TimeSpan Ttl = TimeSpan.FromDays(7);

    private static RedisKey[] SessionKeys(string id) => [Keys.Session(id), Keys.Events(id), Keys.Seen(id)];

    private async Task<(HttpClient Client, string Id)> SessionAsync()
    {
        var client = App.Browser();
        return (client, (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!);
    }

    // A session holding one event, its three keys' TTLs then set to `ttl`.
    private async Task<(HttpClient Client, string Id)> SessionWithTtlAsync(TimeSpan ttl)
    {
        var (client, id) = await SessionAsync();
        await PostEventAsync(client, id, "ttl-first");
        foreach (var key in SessionKeys(id))
        {
            await App.Db.KeyExpireAsync(key, ttl);
        }
        return (client, id);
    }

    private static async Task PostEventAsync(HttpClient client, string id, string eventId)
    {
        var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"ViewContent","eventId":"{{{eventId}}}","properties":{"content":"trailer_30s"}}""");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<TimeSpan[]> TtlsAsync(IEnumerable<RedisKey> keys) =>
        await Task.WhenAll(keys.Select(async k => (await App.Db.KeyTimeToLiveAsync(k)) ?? TimeSpan.Zero));

    // Keys with an hour left have run down: refreshed to the full TTL. Keys 10 s short of it are fresh: left as they are.
    public static TheoryData<int, bool> RunDownOrFresh => new() { { 3600, true }, { (7 * 86400) - 10, false } };

    [Theory]
    [MemberData(nameof(RunDownOrFresh))]
    public async Task An_event_refreshes_the_three_keys_only_once_their_ttl_has_run_down(int secondsLeft, bool refreshed)
    {
        var left = TimeSpan.FromSeconds(secondsLeft);
        var (client, id) = await SessionWithTtlAsync(left);

        await PostEventAsync(client, id, $"ttl-{secondsLeft}");

        var expected = refreshed ? Ttl : left;
        Assert.All(await TtlsAsync(SessionKeys(id)), ttl => Assert.InRange(ttl, expected - TimeSpan.FromMinutes(1), expected));
    }

    // A page load's touch refreshes the session's five keys by the same rule, probing the touches list (which events
    // never refresh), and answers expiresAt = when they expire, which Redis must keep as long.
    [Theory]
    [MemberData(nameof(RunDownOrFresh))]
    public async Task A_page_load_refreshes_the_five_keys_once_run_down_and_answers_the_expiry_they_hold(int secondsLeft, bool refreshed)
    {
        var left = TimeSpan.FromSeconds(secondsLeft);
        var (client, id) = await SessionWithTtlAsync(Ttl);
        RedisKey[] keys = [.. SessionKeys(id), Keys.Client(id), Keys.Touches(id)];
        // Events kept the session fresh; only the keys page loads refresh ran down (or all are fresh).
        foreach (var key in keys.Skip(refreshed ? 3 : 0))
        {
            await App.Db.KeyExpireAsync(key, left);
        }

        var before = DateTimeOffset.UtcNow;
        var touched = await client.PostAsJsonAsync("/session", new { url = "https://film.example/about", sessionId = id });

        Assert.True(touched.IsSuccessStatusCode);
        var expected = refreshed ? Ttl : left;
        Assert.All(await TtlsAsync(keys), ttl => Assert.InRange(ttl, expected - TimeSpan.FromMinutes(1), expected));
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((await touched.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("expiresAt").GetInt64());
        Assert.InRange(expiresAt, before + expected - TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow + expected);
    }

    [Fact]
    public async Task A_client_hash_made_by_a_touch_gets_its_ttl_while_the_session_is_fresh()
    {
        // A session whose requests carried no address or User-Agent so far: it has no client hash.
        var id = (await App.CreateClient().NewSessionAsync()).GetProperty("sessionId").GetString()!;
        Assert.False(await App.Db.KeyExistsAsync(Keys.Client(id)));

        var touched = await App.Browser().PostAsJsonAsync("/session", new { url = "https://film.example/about", sessionId = id });

        Assert.True(touched.IsSuccessStatusCode);
        Assert.True(await App.Db.KeyExistsAsync(Keys.Client(id)));
        Assert.InRange((await App.Db.KeyTimeToLiveAsync(Keys.Client(id))) ?? TimeSpan.Zero, Ttl - TimeSpan.FromMinutes(1), Ttl);
    }

    [Fact]
    public async Task The_first_event_stored_beside_an_existing_dedup_set_gets_a_ttl()
    {
        var (client, id) = await SessionWithTtlAsync(Ttl);
        // A session whose events are gone while its dedup set is fresh (as a checkout's flag can make it).
        await App.Db.KeyDeleteAsync(Keys.Events(id));
        Assert.Null(await App.Db.KeyTimeToLiveAsync(Keys.Events(id)));

        await PostEventAsync(client, id, "ttl-d");

        Assert.Equal(1, await App.Db.SortedSetLengthAsync(Keys.Events(id)));
        Assert.InRange((await App.Db.KeyTimeToLiveAsync(Keys.Events(id)))!.Value, Ttl - TimeSpan.FromMinutes(1), Ttl);
    }
}
