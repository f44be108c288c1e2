using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>
/// One client flooding one session (unbounded, a few hundred thousand events would take hundreds of MB of Redis and
/// make <c>GET /session</c> as large): every per-session structure stops at its cap, what passes a cap is refused with a problem
/// naming the limit, stores nothing and sends nothing, and Redis's <c>used_memory</c> grows by a bounded amount.
/// Each test owns a redis-server, so <c>used_memory</c> measures that test alone.
/// </summary>
public sealed class SessionFloodTests(OwnRedis redis, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<OwnRedis>
{
    private const int MaxEvents = 1000; // the defaults: these tests run with the shipped settings
    private const int MaxTouches = 50;
    private const int MaxEventBytes = 4096;

    private DeliveryApp App(bool stripe = false)
    {
        redis.Connection.GetServers().Single().FlushAllDatabases();
        var app = stripe ? DeliveryApp.CreateWithStripe(new() { [redis.Setting.Key] = redis.Setting.Value }) : DeliveryApp.Create(new() { [redis.Setting.Key] = redis.Setting.Value });
        app.StubMetaOk();
        app.StubPostHogOk();
        return app;
    }

    [LocalRedisFact]
    public async Task An_event_flood_into_one_session_stops_at_the_cap_refused_whole_with_409_storing_and_sending_nothing()
    {
        using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var n = 0;
        string Batch(int size, int? from = null) => $$"""{"sessionId":"{{sid}}","events":[{{string.Join(",", Enumerable.Range(from ?? n, size).Select(i =>
            $$"""{"event":"PageView","eventId":"ev-{{i}}","url":"https://film.example/page/{{i}}","properties":{"element":"cta"} }"""))}}]}""";
        async Task<HttpResponseMessage> Post(int size)
        {
            var response = await client.PostJsonAsync("/events", Batch(size));
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                n += size;
            }
            return response;
        }

        Assert.Equal(HttpStatusCode.Accepted, (await Post(50)).StatusCode); // scripts loaded: measure from here
        var before = await redis.UsedMemoryAsync();
        for (var i = 1; i < 19; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Post(50)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Accepted, (await Post(40)).StatusCode);
        Assert.Equal(990, await redis.Db.SortedSetLengthAsync(Keys.Events(sid)));
        var outboxAtCap = await redis.Db.HashLengthAsync(Keys.OutboxItems(Partitions.TagOf(sid)));

        // 990 + 50 would pass 1000: the whole batch is refused, not its first 10.
        var crossing = await Post(50);
        Assert.Equal(HttpStatusCode.Conflict, crossing.StatusCode);
        var problem = await crossing.ProblemAsync();
        Assert.Equal("events", problem.GetProperty("field").GetString());
        Assert.Contains("990", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{MaxEvents} (Tracking__MaxEventsPerSession)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(990, await redis.Db.SortedSetLengthAsync(Keys.Events(sid)));
        Assert.Equal(outboxAtCap, await redis.Db.HashLengthAsync(Keys.OutboxItems(Partitions.TagOf(sid))));

        Assert.Equal(HttpStatusCode.Accepted, (await Post(10)).StatusCode); // exactly to the cap
        var full = await redis.Db.SortedSetLengthAsync(Keys.Events(sid));
        var seen = await redis.Db.SetLengthAsync(Keys.Seen(sid));
        var outbox = await redis.Db.HashLengthAsync(Keys.OutboxItems(Partitions.TagOf(sid)));
        Assert.Equal(MaxEvents, full);

        // The flood: 200 more batches of 50 new events, each refused whole.
        for (var i = 0; i < 200; i++)
        {
            var refused = await client.PostJsonAsync("/events", Batch(50, 100_000 + (i * 50)));
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("events", (await refused.ProblemAsync()).GetProperty("field").GetString());
        }
        // A retry of a stored batch is still acknowledged as duplicates: nothing new, so nothing passes the cap.
        var retry = await client.PostJsonAsync("/events", Batch(50, 0));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(50, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32());
        var after = await redis.UsedMemoryAsync();

        Assert.Equal(full, await redis.Db.SortedSetLengthAsync(Keys.Events(sid)));
        Assert.Equal(seen, await redis.Db.SetLengthAsync(Keys.Seen(sid)));
        Assert.Equal(outbox, await redis.Db.HashLengthAsync(Keys.OutboxItems(Partitions.TagOf(sid))));
        // Per stored event: its member (~130 B), its seen id, and an outbox entry for each of Meta and PostHog
        // (~600 B each) — well under 4 KB. Unbounded, the 10,000 refused events would have added ~20 MB.
        output.WriteLine($"used_memory grew by {after - before:N0} bytes");
        Assert.True(after - before < (MaxEvents - 50) * 4096L, $"used_memory grew by {after - before:N0} bytes");

        // Only what was stored is delivered: 1000 events to each destination, none of the refused ones.
        await app.RunUntilAsync(() => app.PostHogEventsDelivered().Count >= MaxEvents && app.MetaEventsDelivered().Count >= MaxEvents, "the 1000 stored events delivered");
        Assert.Equal(MaxEvents, app.PostHogEventsDelivered().Count);
        Assert.Equal(MaxEvents, app.MetaEventsDelivered().Count);
        Assert.Equal(Enumerable.Range(0, MaxEvents).Select(i => $"ev-{i}").Order(StringComparer.Ordinal),
            app.MetaEventsDelivered().Select(e => e.GetProperty("event_id").GetString()!).Order(StringComparer.Ordinal));

        // And reading the session back is bounded by the same caps.
        var read = await Ops(app).GetAsync($"/session/{sid}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.Content.ReadAsByteArrayAsync();
        Assert.Equal(MaxEvents, JsonDocument.Parse(body).RootElement.GetProperty("events").GetArrayLength());
        Assert.True(body.Length < (MaxEvents * MaxEventBytes) + 65_536, $"GET /session answered {body.Length:N0} bytes");
    }

    [LocalRedisFact]
    public async Task A_landing_flood_keeps_the_first_touch_and_the_latest_49_and_the_conversion_path_is_capped_the_same()
    {
        using var app = App(stripe: true);
        var client = app.Browser();
        var created = await client.NewSessionAsync("https://film.example/?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_term=t0");
        var sid = created.GetProperty("sessionId").GetString()!;
        async Task Touch(int i) => Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/session",
            new { url = $"https://film.example/?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_term=t{i}", sessionId = sid })).StatusCode);

        // utm_term is not part of the report key, so this flood grows nothing but the touches list (if anything).
        for (var i = 1; i <= MaxTouches; i++)
        {
            await Touch(i);
        }
        // Each landing also logs a counted fact for the projection: the log is drained before each reading, so the
        // figure is what the flood keeps, not what waits its turn to be counted.
        await app.CatchUpProjectionAsync();
        var before = await redis.UsedMemoryAsync();
        for (var i = MaxTouches + 1; i < 4000; i++)
        {
            await Touch(i);
        }
        await app.CatchUpProjectionAsync();
        var after = await redis.UsedMemoryAsync();

        var touches = (await redis.Db.ListRangeAsync(Keys.Touches(sid))).Select(t => JsonDocument.Parse(t.ToString()).RootElement.GetProperty("term").GetString()).ToList();
        Assert.Equal(["t0", .. Enumerable.Range(4000 - (MaxTouches - 1), MaxTouches - 1).Select(i => $"t{i}")], touches);
        // The list was already full before: 3949 more landings (≈ 700 KB of touches unbounded) changed its size by nothing.
        output.WriteLine($"used_memory grew by {after - before:N0} bytes");
        Assert.True(after - before < 64 * 1024, $"used_memory grew by {after - before:N0} bytes");

        // The conversion record copies the (capped) list: first touch kept, the latest 49 after it.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, currency = "usd" })).StatusCode);
        var payload = StripeSigner.CheckoutEvent("evt_cs_flood", "checkout.session.completed", "cs_flood", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(),
            visitorId: created.GetProperty("visitorId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(payload)).StatusCode);
        var day = Aggregates.Day(app.Clock.GetUtcNow());
        var path = JsonDocument.Parse((string)(await redis.Db.HashGetAsync(Keys.ConversionPaths(Partitions.TagOf(sid), day), "cs_flood"))!).RootElement;
        Assert.Equal(MaxTouches, path.GetArrayLength());
        Assert.Equal("t0", path[0].GetProperty("term").GetString());
        Assert.Equal("t3999", path[MaxTouches - 1].GetProperty("term").GetString());
    }

    [LocalRedisFact]
    public async Task Completion_fields_are_kept_for_the_first_20_contents_only_while_their_milestones_are_still_stored()
    {
        using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        string Progress(int content, int percent) => $$"""{"event":"VideoProgress","eventId":"vp-{{content}}-{{percent}}","properties":{"content":"film_{{content}}","percent":{{percent}}} }""";

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{{Progress(0, 25)}}]}""")).StatusCode);
        var before = await redis.UsedMemoryAsync();
        for (var batch = 0; batch < 10; batch++)
        {
            var events = string.Join(",", Enumerable.Range(1 + (batch * 50), 50).Select(c => Progress(c, 25)));
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{{events}}]}""")).StatusCode);
        }
        // An existing field still rises; a content past the cap gets no field.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{{Progress(3, 75)}},{{Progress(400, 50)}}]}""")).StatusCode);
        var after = await redis.UsedMemoryAsync();

        var fields = (await redis.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        var completions = fields.Keys.Where(k => k.EndsWith(SessionField.CompletionSuffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(c => SessionField.Completion($"film_{c}")).Order(StringComparer.Ordinal), completions);
        Assert.Equal("75", fields[SessionField.Completion("film_3")]);
        Assert.Equal(503, await redis.Db.SortedSetLengthAsync(Keys.Events(sid))); // every milestone is still an event
        // 502 events, each with its member, seen ids and PostHog outbox entry: a bounded amount per event.
        output.WriteLine($"used_memory grew by {after - before:N0} bytes");
        Assert.True(after - before < 502 * 4096L, $"used_memory grew by {after - before:N0} bytes");
    }

    [LocalRedisFact]
    public async Task A_full_session_gets_409_for_a_checkout_before_Stripe_is_called()
    {
        using var app = App(stripe: true);
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        for (var b = 0; b < MaxEvents / 50; b++)
        {
            var events = string.Join(",", Enumerable.Range(b * 50, 50).Select(i => $$"""{"event":"PageView","eventId":"p{{i}}"}"""));
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{{events}}]}""")).StatusCode);
        }
        var outbox = await redis.Db.HashLengthAsync(Keys.OutboxItems(Partitions.TagOf(sid)));

        var response = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, currency = "usd" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("events", (await response.ProblemAsync()).GetProperty("field").GetString());
        Assert.Empty(app.Calls(DeliveryApp.CheckoutPath));
        Assert.Equal(MaxEvents, await redis.Db.SortedSetLengthAsync(Keys.Events(sid)));
        Assert.Equal(outbox, await redis.Db.HashLengthAsync(Keys.OutboxItems(Partitions.TagOf(sid))));
        Assert.False(await redis.Db.HashExistsAsync(Keys.Session(sid), SessionField.DonationInitiated));
    }

    [LocalRedisFact]
    public async Task An_event_larger_than_MaxEventBytes_as_stored_is_a_400_naming_it_and_nothing_is_stored()
    {
        using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var props = string.Join(",", Enumerable.Range(0, 12).Select(i => $"\"p{i}\":\"{new string('x', 400)}\""));
        var keys = redis.Keys("*").Count();

        var single = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"ButtonClick","properties":{ {{props}} } }""");
        var batch = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView"},{"event":"ButtonClick","properties":{ {{props}} } }]}""");
        // Numbers are copied as written: a 60,000-digit number is no way around the bound either.
        var number = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"ButtonClick","properties":{"n":1{{new string('0', 60_000)}}} }""");

        Assert.Equal(HttpStatusCode.BadRequest, single.StatusCode);
        Assert.Contains($"at most {MaxEventBytes}", (await single.ProblemAsync()).GetProperty("errors").GetProperty("properties")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, batch.StatusCode);
        Assert.True((await batch.ProblemAsync()).GetProperty("errors").TryGetProperty("events[1].properties", out _));
        Assert.Equal(HttpStatusCode.BadRequest, number.StatusCode);
        Assert.Equal(0, await redis.Db.SortedSetLengthAsync(Keys.Events(sid)));
        Assert.Equal(keys, redis.Keys("*").Count());
    }

    [LocalRedisFact]
    public async Task A_session_stored_before_the_cap_existed_is_still_read_back_bounded()
    {
        using var app = App();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        // 5000 events written as an earlier, uncapped version would have (no way to post them now).
        var members = Enumerable.Range(0, 5000).Select(i => new StackExchange.Redis.SortedSetEntry($$"""{"event":"PageView","eventId":"old-{{i}}","timestamp":{{i}}}""", i)).ToArray();
        await redis.Db.SortedSetAddAsync(Keys.Events(sid), members);

        var view = await Ops(app).GetFromJsonAsync<JsonElement>($"/session/{sid}");

        var events = view.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2 * MaxEvents, events.Count);
        Assert.Equal("old-3000", events[0].GetProperty("eventId").GetString()); // the latest, oldest first
        Assert.Equal("old-4999", events[^1].GetProperty("eventId").GetString());
        // And the session takes no new event: it is over the cap.
        var refused = await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView"}""");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    // GET /session/{id} is an operator read (the ops key of DeliveryApp).
    private static HttpClient Ops(DeliveryApp app)
    {
        var ops = app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new("Bearer", OpsKey.Value);
        return ops;
    }
}
