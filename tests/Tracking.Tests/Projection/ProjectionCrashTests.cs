using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Projection;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Projection;

/// <summary>
/// The daily counters are projected from the facts the request path logs: whoever projects, however often and
/// however it dies, each fact counts once. Visitors land on three campaigns and each views and watches a trailer, so
/// every funnel below is known by hand; the app's own background projection is off, so the test decides who projects.
/// </summary>
public sealed class ProjectionCrashTests : IAsyncLifetime
{
    private const int Visitors = 48;
    private static readonly string[] Campaigns = ["winter", "spring", "autumn"];

    private readonly DeliveryApp _app = DeliveryApp.Create(services: WithoutWorker);

    /// <summary>The app without its background projection (the test runs projectors itself).</summary>
    internal static void WithoutWorker(IServiceCollection services)
    {
        var worker = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ProjectionWorker));
        services.Remove(worker);
    }

    public async Task InitializeAsync()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        for (var i = 0; i < Visitors; i++)
        {
            var client = _app.Browser();
            var campaign = Campaigns[i % Campaigns.Length];
            var id = (await client.NewSessionAsync(url: $"https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign={campaign}"))
                .GetProperty("sessionId").GetString()!;
            var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","events":[{"event":"ViewContent","properties":{"content":"trailer_30s"}},{"event":"VideoProgress","properties":{"content":"trailer_30s","percent":25}}]}""");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_replica_that_dies_in_the_middle_of_a_projection_neither_loses_nor_doubles_a_fact()
    {
        Assert.True(await PendingAsync() > 0);
        // Half the partitions projected, then a replica dies with the other half's scripts in flight: its connection
        // closes under them, so each either ran whole in Redis or not at all.
        var mux = await ConnectionMultiplexer.ConnectAsync(_app.Db.Multiplexer.Configuration);
        var crashed = Projector(mux.GetDatabase(_app.Database));
        for (var p = 0; p < Partitions.Count / 2; p++)
        {
            await crashed.ProjectAsync(p);
        }
        var inFlight = crashed.CatchUpAsync();
        await mux.CloseAsync(allowCommandsToComplete: false);
        mux.Dispose();
        try
        {
            await inFlight.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex.GetType() != typeof(TimeoutException))
        {
            // The dying replica's own view (a closed connection fails its calls in many ways): its answers are lost,
            // whatever Redis did. Only the wait running out (a hang) fails the test here.
        }

        // The next reader (a report, in another replica) projects what is left.
        foreach (var campaign in Campaigns)
        {
            Assert.Equal(Exact(Visitors / Campaigns.Length), await FunnelAsync(campaign));
        }
        Assert.Equal(Exact(Visitors), await FunnelAsync(null));
        Assert.Equal(0, await PendingAsync());
    }

    [Fact]
    public async Task Projectors_in_every_replica_at_once_count_each_fact_once()
    {
        var replicas = Enumerable.Range(0, 4).Select(_ => Projector(_app.Db)).ToArray();

        await Task.WhenAll(replicas.Select(r => r.CatchUpAsync()).Concat(replicas.Select(r => r.CatchUpAsync())));

        Assert.Equal(0, await PendingAsync());
        Assert.Equal(Exact(Visitors), await FunnelAsync(null));
        Assert.Equal(Exact(Visitors / Campaigns.Length), await FunnelAsync("winter"));
    }

    [Fact]
    public async Task Facts_of_two_days_waiting_in_one_log_count_in_their_own_days()
    {
        var today = _app.Clock.GetUtcNow();
        _app.Clock.Advance(TimeSpan.FromDays(1));
        var client = _app.Browser();
        for (var i = 0; i < 5; i++)
        {
            await client.NewSessionAsync(url: "https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter");
        }

        Assert.Equal($"sessions={Visitors}", (await FunnelAsync(null, today))[0]);
        Assert.Equal("sessions=5", (await FunnelAsync(null, _app.Clock.GetUtcNow()))[0]);
    }

    [Fact]
    public async Task Facts_left_in_the_earlier_stream_layout_are_counted_once_and_the_stream_is_deleted()
    {
        // The logs as a service before the list layout left them: the same facts, as stream entries.
        foreach (var tag in Partitions.Tags)
        {
            foreach (var fact in await _app.Db.ListRangeAsync(Keys.AggregateLog(tag)))
            {
                var fields = JsonDocument.Parse((string)fact!).RootElement.EnumerateObject()
                    .Where(f => f.Name != "t").Select(f => new NameValueEntry(f.Name, f.Value.GetString())).ToArray();
                await _app.Db.StreamAddAsync(Keys.AggregateStreamLog(tag), fields);
            }
            await _app.Db.KeyDeleteAsync(Keys.AggregateLog(tag));
        }
        Assert.Equal(0, await PendingAsync());

        await Projector(_app.Db).CatchUpAsync();

        Assert.Equal(Exact(Visitors), await FunnelAsync(null));
        Assert.Equal(Exact(Visitors / Campaigns.Length), await FunnelAsync("winter"));
        foreach (var tag in Partitions.Tags)
        {
            Assert.False(await _app.Db.KeyExistsAsync(Keys.AggregateStreamLog(tag)));
        }
    }

    private Projector Projector(IDatabase db) => new(db, Options.Create(new AggregateOptions()), Options.Create(new RetentionOptions()), _app.Clock);

    private async Task<long> PendingAsync()
    {
        long pending = 0;
        foreach (var tag in Partitions.Tags)
        {
            pending += await _app.Db.ListLengthAsync(Keys.AggregateLog(tag));
        }
        return pending;
    }

    private static string[] Exact(int n) =>
        [$"sessions={n}", $"content_views={n}", $"video_25={n}", "video_50=0", "video_75=0", "video_95=0", "checkouts=0", "donations=0"];

    private async Task<string[]> FunnelAsync(string? campaign, DateTimeOffset? day = null)
    {
        var ops = _app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        var from = (day ?? _app.Clock.GetUtcNow()).UtcDateTime;
        var filter = campaign is null ? "" : $"utmCampaign={campaign}&";
        var funnel = await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?{filter}from={from:yyyy-MM-dd}&to={from:yyyy-MM-dd}");
        return funnel.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("step").GetString()}={s.GetProperty("count").GetInt64()}").ToArray();
    }
}
