using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

public sealed class SessionTests(SessionTests.Fixture app) : SharedAppTests<SessionTests.Fixture>(app)
{
    // The country header counts only from a trusted proxy: the landing test arrives through this one.
    public sealed class Fixture() : TrackingApp(new() { ["Tracking:TrustedProxies:0"] = Proxy, ["Ops:ApiKey"] = OpsKey.Value });


    private const string Proxy = "10.0.0.1";

    [Fact]
    public async Task Landing_with_utms_and_fbclid_stores_exactly_the_seed_fields()
    {
        var client = App.Browser().FromPeer(Proxy);

        var created = await client.NewSessionAsync(extra: new { referrer = "https://m.facebook.com/story" });

        var id = created.GetProperty("sessionId").GetString()!;
        Assert.True(created.GetProperty("isNew").GetBoolean());
        var hash = (await App.Db.HashGetAllAsync(Keys.Session(id))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        var created_at = hash["created_at"];
        var expected = new Dictionary<string, string>
        {
            ["utm_source"] = "facebook",
            ["utm_medium"] = "social",
            ["utm_campaign"] = "winter",
            ["utm_content"] = "trailer_30s",
            ["first_touch_source"] = "facebook",
            ["first_touch_timestamp"] = created_at,
            ["last_touch_source"] = "facebook",
            ["last_touch_timestamp"] = created_at,
            ["last_touch_medium"] = "social",
            ["last_touch_campaign"] = "winter",
            ["last_touch_content"] = "trailer_30s",
            ["landing_page"] = "/watch",
            ["last_page"] = "https://film.example/watch?utm_source=facebook&utm_medium=social&utm_campaign=winter&utm_content=trailer_30s&fbclid=IwAR1234",
            ["referrer"] = "m.facebook.com",
            ["referrer_url"] = "https://m.facebook.com/story",
            ["fbclid"] = "IwAR1234",
            ["fbclid_first_seen"] = created_at,
            ["country"] = "US",
            ["device_type"] = "mobile",
            ["browser"] = "Safari",
            ["created_at"] = created_at,
            ["session_count"] = "1",
            ["visitor_id"] = created.GetProperty("visitorId").GetString()!,
            ["consent_analytics"] = "pending",
            ["consent_marketing"] = "pending",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), hash.OrderBy(p => p.Key));
        Assert.InRange(long.Parse(created_at, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Session_ids_are_long_random_and_safe_for_keys()
    {
        var client = App.Browser();
        var a = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var b = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        Assert.NotEqual(a, b);
        Assert.True(a.Length >= 26, "at least 128 bits of base64url");
        Assert.Matches("^[A-Za-z0-9_-]+$", a);
    }

    [Fact]
    public async Task Touch_with_a_new_campaign_moves_last_touch_only()
    {
        var client = App.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var key = Keys.Session(id);
        var firstTimestamp = (string)(await App.Db.HashGetAsync(key, "first_touch_timestamp"))!;

        var response = await client.PostAsJsonAsync("/session", new { url = "https://film.example/?utm_source=email&utm_medium=newsletter&utm_campaign=december", sessionId = id });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("isNew").GetBoolean());
        Assert.Equal(id, body.GetProperty("sessionId").GetString());
        var hash = (await App.Db.HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("facebook", hash["first_touch_source"]);
        Assert.Equal(firstTimestamp, hash["first_touch_timestamp"]);
        Assert.Equal("facebook", hash["utm_source"]);
        Assert.Equal("email", hash["last_touch_source"]);
        Assert.Equal("newsletter", hash["last_touch_medium"]);
        Assert.Equal("december", hash["last_touch_campaign"]);
        Assert.False(hash.ContainsKey("last_touch_content"), "a touch without utm_content must not keep the old one");
        Assert.Equal(2, await App.Db.ListLengthAsync(Keys.Touches(id)));
    }

    [Fact]
    public async Task Touch_without_campaign_parameters_keeps_last_touch()
    {
        var client = App.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var response = await client.PostAsJsonAsync("/session", new { url = "https://film.example/about", sessionId = id, referrer = "https://film.example/watch" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("facebook", (string?)await App.Db.HashGetAsync(Keys.Session(id), "last_touch_source"));
        Assert.Equal(1, await App.Db.ListLengthAsync(Keys.Touches(id)));
    }

    [Fact]
    public async Task Returning_visitor_increments_session_count()
    {
        var client = App.Browser();
        var first = await client.NewSessionAsync();
        var visitor = first.GetProperty("visitorId").GetString()!;

        var second = await client.NewSessionAsync(url: "https://film.example/?utm_source=email", extra: new { visitorId = visitor });

        Assert.Equal(visitor, second.GetProperty("visitorId").GetString());
        var id = second.GetProperty("sessionId").GetString()!;
        Assert.Equal("2", (string?)await App.Db.HashGetAsync(Keys.Session(id), "session_count"));
    }

    [Fact]
    public async Task Unknown_or_expired_session_id_gets_a_new_server_chosen_session()
    {
        var client = App.Browser();

        var response = await client.PostAsJsonAsync("/session", new { url = "https://film.example/", sessionId = "expiredSession12345" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual("expiredSession12345", body.GetProperty("sessionId").GetString());
        Assert.False(await App.Db.KeyExistsAsync(Keys.Session("expiredSession12345")));
    }

    [Fact]
    public async Task Session_and_event_keys_expire_together_after_the_ttl()
    {
        var client = App.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        (await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView"}""")).EnsureSuccessStatusCode();

        foreach (var key in new[] { Keys.Session(id), Keys.Events(id) })
        {
            var ttl = await App.Db.KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl.Value, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        }
    }

    [Fact]
    public async Task Get_session_returns_attributes_and_events_oldest_first()
    {
        var client = App.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        (await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","events":[{"event":"ViewContent","timestamp":{{{now - 1000}}},"properties":{"content":"trailer_30s"}},{"event":"PageView","timestamp":{{{now - 5000}}}}]}""")).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/session/{id}")).StatusCode);
        var ops = App.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new("Bearer", OpsKey.Value);
        var view = await ops.GetFromJsonAsync<JsonElement>($"/session/{id}");

        Assert.Equal("facebook", view.GetProperty("attributes").GetProperty("utm_source").GetString());
        Assert.Equal("trailer_30s", view.GetProperty("attributes").GetProperty("content_viewed").GetString());
        var names = view.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetString()!).ToArray();
        Assert.Equal(["PageView", "ViewContent"], names);
    }

    [Fact]
    public async Task Get_unknown_session_is_a_404_problem()
    {
        var ops = App.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new("Bearer", OpsKey.Value);
        var response = await ops.GetAsync("/session/doesNotExist123");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("id", (await response.ProblemAsync()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Explicit_utm_values_win_over_the_url_query_and_consent_is_kept()
    {
        var client = App.Browser();
        var created = await client.NewSessionAsync(
            url: "https://film.example/?utm_source=facebook&gclid=Cj0KCQ",
            extra: new { utm = new { source = "instagram", campaign = "spring" }, consent = new { analytics = "granted", marketing = "denied" } });

        var hash = (await App.Db.HashGetAllAsync(Keys.Session(created.GetProperty("sessionId").GetString()!))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("instagram", hash["utm_source"]);
        Assert.Equal("spring", hash["utm_campaign"]);
        Assert.Equal("Cj0KCQ", hash["gclid"]);
        Assert.Equal("granted", hash["consent_analytics"]);
        Assert.Equal("denied", hash["consent_marketing"]);
    }

    [Fact]
    public async Task Bots_are_marked_on_the_session()
    {
        var client = App.Browser("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        Assert.Equal("true", (string?)await App.Db.HashGetAsync(Keys.Session(id), "bot"));
        Assert.Equal("bot", (string?)await App.Db.HashGetAsync(Keys.Session(id), "device_type"));
    }
}
