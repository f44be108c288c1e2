using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Reports;

/// <summary>
/// A report flood: thousands of `utm_campaign=junkN` landings just after midnight UTC must not take every report key
/// of a partition-day, or every later real campaign would count under "(other)". Here the flood comes first, through
/// POST /session (~10,000 distinct junk campaigns), until every partition has seen more junk keys than
/// its candidate tier holds; then real donors walk full journeys, and the reports still count them exactly, while each
/// partition-day's counters stay within their caps. Each test owns a redis-server, so <c>used_memory</c> measures that test alone.
/// </summary>
public sealed class ReportFloodTests(OwnRedis redis, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<OwnRedis>
{
    private const int Real = 24;

    // More junk keys per partition than the candidate tier holds, so eviction is exercised in every partition.
    private const int JunkPerPartition = Aggregates.MaxCandidatesPerPartitionDay + 20;

    [LocalRedisFact]
    public async Task A_flood_of_junk_campaigns_before_real_donors_leaves_their_funnel_and_attribution_exact()
    {
        using var app = Start();
        var before = await redis.UsedMemoryAsync();

        var (junk, junkSessions) = await FloodAsync(app, "junk", landings: 2000, JunkPerPartition);
        await DonorsAsync(app, "winter", Real, content: _ => "trailer_30s");

        var ops = OpsClient(app);
        var range = Range(app);
        Assert.Equal(Exact(Real), Steps(await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?utmCampaign=winter&{range}")));
        var attribution = await ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?model=last_touch&groupBy=campaign&{range}");
        var winter = attribution.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == "winter");
        Assert.Equal(Real, winter.GetProperty("donations").GetDouble());
        Assert.Equal(Real * 25m, winter.GetProperty("revenue").GetProperty("usd").GetDecimal());
        // Totals stay exact too: evicted junk counts under "(other)", never lost.
        var all = Steps(await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?{range}"));
        Assert.Equal($"sessions={junkSessions + Real}", all[0]);

        var held = await AssertBoundedAsync(app);
        Assert.True(held < junk, $"the partitions hold {held} attribution keys for {junk} junk keys posted: nothing was evicted");
        var durable = await DurableGrowthAsync(before);
        // Caps: per partition-day at most 64 admitted + 64 candidate keys, each with at most 8 counters and a rank
        // entry (≤ 1 KB for these short keys), plus the donors' conversion records.
        Assert.True(durable < Partitions.Tags.Count * (Aggregates.MaxKeysPerPartitionDay + Aggregates.MaxCandidatesPerPartitionDay) * 1024L, $"durable data grew by {durable:N0} bytes");
    }

    [LocalRedisFact]
    public async Task An_allow_listed_campaign_is_exact_even_when_junk_already_holds_every_admitted_key()
    {
        using var app = Start(new() { ["Tracking:ReportCampaigns:0"] = "winter" });
        var day = Aggregates.Day(app.Clock.GetUtcNow());
        // A determined attacker repeated junk keys in every partition until all admitted keys were taken for the day.
        foreach (var tag in Partitions.Tags)
        {
            await redis.Db.SetAddAsync(Keys.AggregateKeys(tag, day), Enumerable.Range(0, Aggregates.MaxKeysPerPartitionDay).Select(i => (StackExchange.Redis.RedisValue)$"x|y|admitted{i}|").ToArray());
        }

        // The listed campaign, with a different utm_content each time (as a flood of variants would), and one that is not listed.
        await DonorsAsync(app, "winter", Real, content: i => $"variant_{i}");
        await DonorsAsync(app, "spring", Real / 2, content: _ => "trailer_60s");
        // Then one-off junk: more keys in every partition than the candidate tier holds.
        await FloodAsync(app, "junk", landings: 0, JunkPerPartition);

        var ops = OpsClient(app);
        var range = Range(app);
        Assert.Equal(Exact(Real), Steps(await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?utmCampaign=winter&{range}")));
        // Not listed, but engaged: each of its keys has more facts than any one-off junk key, so none was evicted.
        Assert.Equal(Exact(Real / 2), Steps(await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?utmCampaign=spring&{range}")));
        await AssertBoundedAsync(app);
        foreach (var tag in Partitions.Tags)
        {
            // Past the full admitted tier, the listed campaign's variants share one key per partition-day.
            Assert.Equal(Aggregates.MaxKeysPerPartitionDay, await redis.Db.SetLengthAsync(Keys.AggregateKeys(tag, day)));
            Assert.DoesNotContain((await redis.Db.HashKeysAsync(Keys.Aggregate(tag, day))).Select(k => (string)k!), k => k.Contains("variant_", StringComparison.Ordinal));
        }
    }

    private DeliveryApp Start(Dictionary<string, string?>? extra = null)
    {
        redis.Connection.GetServers().Single().FlushAllDatabases();
        var settings = new Dictionary<string, string?>(extra ?? []) { [redis.Setting.Key] = redis.Setting.Value };
        return DeliveryApp.CreateWithStripe(settings);
    }

    private static string[] Exact(int n) =>
        [$"sessions={n}", $"content_views={n}", $"video_25={n}", "video_50=0", "video_75=0", "video_95=0", $"checkouts={n}", $"donations={n}"];

    /// <summary>
    /// Junk campaigns through POST /session, a distinct utm_campaign each: <paramref name="landings"/> new sessions
    /// (the flood's landings), then return visits to one of them per partition until every partition has had
    /// <paramref name="perPartition"/> junk keys. A new session costs ~2 ms of CPU here (its id is drawn for a partition
    /// slot), a return visit a fraction of that, so the top-up uses return visits. Returns the keys and sessions posted.
    /// </summary>
    private static async Task<(int Keys, int Sessions)> FloodAsync(DeliveryApp app, string prefix, int landings, int perPartition)
    {
        var client = app.Browser();
        var keys = new ConcurrentDictionary<string, int>(Partitions.Tags.Select(t => KeyValuePair.Create(t, 0)));
        var pool = new ConcurrentDictionary<string, string>();
        var posted = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref posted) < landings || pool.Count < Partitions.Tags.Count)
            {
                var n = Interlocked.Increment(ref posted);
                Assert.True(n <= 20_000, "20,000 new sessions did not cover every partition");
                var response = await client.PostAsJsonAsync("/session", new { url = $"https://film.example/?utm_source=facebook&utm_medium=paid&utm_campaign={prefix}{n}" });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var sid = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sessionId").GetString()!;
                keys.AddOrUpdate(Partitions.TagOf(sid), 1, (_, c) => c + 1);
                pool.TryAdd(Partitions.TagOf(sid), sid);
            }
        })));
        await Task.WhenAll(pool.Select(p => Task.Run(async () =>
        {
            for (var n = keys[p.Key]; n < perPartition; n++)
            {
                var response = await client.PostAsJsonAsync("/session", new { url = $"https://film.example/?utm_source=facebook&utm_medium=paid&utm_campaign={prefix}{p.Key}x{n}", sessionId = p.Value });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                keys[p.Key] = n + 1;
            }
        })));
        return (keys.Values.Sum(), Volatile.Read(ref posted));
    }

    /// <summary>Full journeys: land on the campaign, view, watch a quarter, check out, pay 25 USD.</summary>
    private static async Task DonorsAsync(DeliveryApp app, string campaign, int count, Func<int, string> content)
    {
        for (var i = 0; i < count; i++)
        {
            var client = app.Browser();
            var created = await client.NewSessionAsync($"https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign={campaign}&utm_content={content(i)}");
            var sid = created.GetProperty("sessionId").GetString()!;
            var events = await client.PostJsonAsync("/events", $$"""
                {"sessionId":"{{sid}}","events":[{"event":"ViewContent","properties":{"content":"trailer"} },
                  {"event":"VideoProgress","properties":{"content":"trailer","percent":25} }]}
                """);
            Assert.Equal(HttpStatusCode.Accepted, events.StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, currency = "usd" })).StatusCode);
            var payload = StripeSigner.CheckoutEvent($"evt_{campaign}_{i}", "checkout.session.completed", $"cs_{campaign}_{i}", sid, "paid", 2500, "usd",
                app.Clock.GetUtcNow(), visitorId: created.GetProperty("visitorId").GetString());
            Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(payload)).StatusCode);
        }
    }

    /// <summary>Every partition-day within its caps; returns the attribution keys held over all partitions.</summary>
    private async Task<long> AssertBoundedAsync(DeliveryApp app)
    {
        var day = Aggregates.Day(app.Clock.GetUtcNow());
        var metrics = typeof(AggregateMetric).GetFields().Count(f => f.IsLiteral && f.Name != nameof(AggregateMetric.VideoPrefix));
        long held = 0;
        foreach (var tag in Partitions.Tags)
        {
            var admitted = await redis.Db.SetLengthAsync(Keys.AggregateKeys(tag, day));
            var candidates = await redis.Db.SortedSetLengthAsync(Keys.AggregateRanks(tag, day));
            Assert.InRange(admitted, 0, Aggregates.MaxKeysPerPartitionDay);
            Assert.InRange(candidates, 0, Aggregates.MaxCandidatesPerPartitionDay);
            Assert.InRange(await redis.Db.HashLengthAsync(Keys.AggregateCandidates(tag, day)), 0, (Aggregates.MaxCandidatesPerPartitionDay * metrics) + 1);
            Assert.InRange(await redis.Db.HashLengthAsync(Keys.Aggregate(tag, day)), 0, (Aggregates.MaxKeysPerPartitionDay + 2) * metrics);
            held += admitted + candidates;
        }
        return held;
    }

    /// <summary>used_memory growth once every session has expired: what stays (counters, conversions, outbox).</summary>
    private async Task<long> DurableGrowthAsync(long before)
    {
        var withSessions = await redis.UsedMemoryAsync();
        foreach (var pattern in new[] { SessionKeys.AllSessionsPattern, Keys.Visitor("*") + "*" })
        {
            var keys = redis.Keys(pattern).ToArray();
            for (var i = 0; i < keys.Length; i += 1000)
            {
                await redis.Db.KeyDeleteAsync(keys[i..Math.Min(i + 1000, keys.Length)]);
            }
        }
        var after = await redis.UsedMemoryAsync();
        output.WriteLine($"used_memory: {before:N0} before, {withSessions:N0} after the flood, {after:N0} once the sessions expired");
        return after - before;
    }

    private static HttpClient OpsClient(DeliveryApp app)
    {
        var ops = app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        return ops;
    }

    private static string Range(DeliveryApp app) => $"from={Aggregates.Day(app.Clock.GetUtcNow())}&to={Aggregates.Day(app.Clock.GetUtcNow().AddDays(1))}";

    private static string[] Steps(JsonElement funnel) => funnel.GetProperty("steps").EnumerateArray()
        .Select(s => $"{s.GetProperty("step").GetString()}={s.GetProperty("count").GetInt64()}").ToArray();
}
