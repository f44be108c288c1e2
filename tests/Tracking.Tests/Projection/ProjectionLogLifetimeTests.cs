using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Projection;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Projection;

/// <summary>
/// A partition's projection log lives Reports:RetentionDays after it was made or last projected: the append that
/// makes it sets its TTL, later appends leave it alone (a busy log costs no EXPIRE per fact), and a projection that
/// leaves facts behind renews it, so a log that is never empty never expires under its facts.
/// </summary>
public sealed class ProjectionLogLifetimeTests : IDisposable
{
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(new RetentionOptions().Seconds);
    private static readonly TimeSpan Shortened = TimeSpan.FromHours(1);

    private readonly DeliveryApp _app = DeliveryApp.Create(services: ProjectionCrashTests.WithoutWorker);

    public void Dispose() => _app.Dispose();

    private async Task<(HttpClient Client, string Session, RedisKey Log)> LandAsync()
    {
        var client = _app.Browser();
        var session = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        return (client, session, Keys.AggregateLog(Partitions.TagOf(session)));
    }

    private async Task<TimeSpan> TtlAsync(RedisKey key) => (await _app.Db.KeyTimeToLiveAsync(key)) ?? TimeSpan.Zero;

    [Fact]
    public async Task The_append_that_makes_a_log_sets_its_ttl_and_later_appends_leave_it()
    {
        var (client, session, log) = await LandAsync();
        Assert.InRange(await TtlAsync(log), Retention - TimeSpan.FromMinutes(1), Retention);
        await _app.Db.KeyExpireAsync(log, Shortened);
        var before = await _app.Db.ListLengthAsync(log);

        // A new campaign on the same session: a touch fact in the same partition's log.
        var touched = await client.PostAsJsonAsync("/session", new { url = "https://film.example/watch?utm_source=google&utm_medium=cpc&utm_campaign=spring", sessionId = session });

        Assert.True(touched.IsSuccessStatusCode);
        Assert.Equal(before + 1, await _app.Db.ListLengthAsync(log));
        Assert.InRange(await TtlAsync(log), Shortened - TimeSpan.FromMinutes(1), Shortened);
    }

    [Fact]
    public async Task A_projection_that_leaves_facts_in_the_log_renews_its_ttl()
    {
        var (_, session, log) = await LandAsync();
        // More facts than one pass projects (200 runs of 50), so some stay behind it.
        var fact = await _app.Db.ListGetByIndexAsync(log, 0);
        await _app.Db.ListRightPushAsync(log, Enumerable.Repeat(fact, 10_100).ToArray());
        await _app.Db.KeyExpireAsync(log, Shortened);
        var projector = new Projector(_app.Db, Options.Create(new AggregateOptions()), Options.Create(new RetentionOptions()), _app.Clock);

        var pass = await projector.ProjectAsync(Partitions.Of(session));

        Assert.True(pass.Pending > 0, $"{pass.Pending} facts left");
        Assert.InRange(await TtlAsync(log), Retention - TimeSpan.FromMinutes(1), Retention);
    }
}
