using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Delivery;

/// <summary>
/// A worker pass that fails midway (here a destination of the test's own throws) settles what the other destinations
/// sent — it is not sent again when the lease ends — and gives back what was not sent, without counting an attempt.
/// </summary>
public sealed class PassFailureTests
{
    private sealed class ThrowingDestination : IDestination
    {
        public string Name => "boom";

        public bool Enabled => true;

        public bool Takes(string eventName) => eventName == "PageView";

        public DestinationRules Rules { get; } = new(ConsentPurpose.Analytics, TimeSpan.FromDays(30), "30 days", "older than 30 days");

        public Task<IReadOnlyList<Outcome>> DeliverAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("a destination failing in a way nobody planned for");
    }

    [Fact]
    public async Task What_was_sent_is_settled_and_what_was_not_is_given_back()
    {
        using var app = DeliveryApp.Create(
            new() { ["Delivery:BatchSize"] = "2", ["Delivery:Parallelism"] = "1" },
            services: s => s.AddSingleton<IDestination>(new ThrowingDestination()));
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        var sessions = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
            sessions.Add(sid);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","eventId":"e{{i}}","url":"https://film.example/"}]}""")).StatusCode);
        }
        Assert.NotEqual(Partitions.Of(sessions[0]), Partitions.Of(sessions[1]));

        try
        {
            await FailedPassAsync(app, sessions);
        }
        finally
        {
            // The ids of a destination only this test has must not outlive it: on a Redis Cluster (one database, shared
            // by the tests that follow) another test's worker would dead-letter them as an unknown destination.
            for (var i = 0; i < sessions.Count; i++)
            {
                var tag = Partitions.TagOf(sessions[i]);
                await app.Db.SortedSetRemoveAsync(Keys.OutboxDue(tag), $"boom:{sessions[i]}:e{i}");
                await app.Db.HashDeleteAsync(Keys.OutboxTries(tag), $"boom:{sessions[i]}:e{i}");
                await app.Db.HashDeleteAsync(Keys.OutboxItems(tag), [$"{sessions[i]}:e{i}", $"#{sessions[i]}:e{i}"]);
            }
        }
    }

    private static async Task FailedPassAsync(DeliveryApp app, List<string> sessions)
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.Worker.DrainAllOnceAsync(CancellationToken.None));

        // Meta and PostHog got both events in one full request each; the throwing destination's ids are due again at
        // once with no attempt counted, and the shared entries stay for them.
        Assert.Equal(["e0", "e1"], app.MetaEventsDelivered().Select(e => e.GetProperty("event_id").GetString()).Order());
        Assert.Equal(2, app.PostHogEventsDelivered().Count);
        var now = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < 2; i++)
        {
            var tag = Partitions.TagOf(sessions[i]);
            var due = await app.Db.SortedSetRangeByScoreWithScoresAsync(Keys.OutboxDue(tag));
            var only = Assert.Single(due, d => d.Element.ToString().Contains(sessions[i], StringComparison.Ordinal));
            Assert.Equal($"boom:{sessions[i]}:e{i}", only.Element.ToString());
            Assert.True(only.Score <= now, "given back due at once, not hidden for the rest of the lease");
            Assert.False(await app.Db.HashExistsAsync(Keys.OutboxTries(tag), only.Element));
            Assert.Equal("1", (string?)await app.Db.HashGetAsync(Keys.OutboxItems(tag), $"#{sessions[i]}:e{i}"));
        }
    }
}
