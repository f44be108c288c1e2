using Microsoft.Extensions.DependencyInjection;
using Tracking.Donations;
using Tracking.Sessions;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>
/// A visitor's index is bounded: it keeps the newest Tracking__MaxSessionsPerVisitor sessions, and every conversion
/// and e-mail hash (erasure needs them); the visitor's keys live Tracking__VisitorRetentionDays after the last visit.
/// </summary>
public sealed class VisitorIndexTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create(new()
    {
        ["Tracking:MaxSessionsPerVisitor"] = "3",
        ["Tracking:VisitorRetentionDays"] = "30",
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_index_keeps_the_newest_sessions_and_every_conversion_and_email_hash()
    {
        var client = _app.Browser();
        var first = await client.NewSessionAsync();
        var visitor = first.GetProperty("visitorId").GetString()!;
        var sessions = new List<string> { first.GetProperty("sessionId").GetString()! };
        var day = Aggregates.Day(_app.Clock.GetUtcNow());
        var emailHash = new string('a', 64);
        await _app.Services.GetRequiredService<DonationStore>().IndexConversionAsync(visitor, sessions[0], day, "cs_test_kept", emailHash);

        for (var i = 0; i < 5; i++)
        {
            _app.Clock.Advance(TimeSpan.FromMinutes(1));
            sessions.Add((await client.NewSessionAsync(extra: new { visitorId = visitor })).GetProperty("sessionId").GetString()!);
        }

        var index = (await _app.Db.SetMembersAsync(Keys.VisitorIndex(visitor))).Select(m => m.ToString()).Order(StringComparer.Ordinal).ToList();
        string[] expected =
        [
            .. sessions.TakeLast(3).Select(SessionStore.VisitMember),
            DonationStore.ConversionMember(sessions[0], day, "cs_test_kept"),
            "e:" + emailHash,
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), index);
        Assert.Equal(3, await _app.Db.SortedSetLengthAsync(Keys.VisitorSessions(visitor)));
        Assert.Equal("6", (string?)await _app.Db.HashGetAsync(Keys.Session(sessions[^1]), "session_count"));
    }

    [Fact]
    public async Task A_new_visitors_first_page_load_makes_every_key_whole_with_its_ttl()
    {
        var client = _app.Browser();
        var first = await client.NewSessionAsync(extra: new
        {
            posthogDistinctId = "ph-first",
            events = new[] { new { @event = "PageView", eventId = "pv-first" } },
        });
        var (sid, visitor) = (first.GetProperty("sessionId").GetString()!, first.GetProperty("visitorId").GetString()!);

        // The visitor's keys, made without being read first (the id was minted for this page load): counted once,
        // indexed with the session and the PostHog id, each living the visitor retention.
        Assert.Equal("1", (string?)await _app.Db.StringGetAsync(Keys.Visitor(visitor)));
        Assert.Equal("1", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), SessionField.SessionCount));
        var index = (await _app.Db.SetMembersAsync(Keys.VisitorIndex(visitor))).Select(m => m.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { IndexSet.PostHogMember("ph-first"), SessionStore.VisitMember(sid) }.Order(StringComparer.Ordinal), index);
        Assert.Equal(1, await _app.Db.SortedSetLengthAsync(Keys.VisitorSessions(visitor)));
        var retention = TimeSpan.FromDays(30);
        foreach (var key in new[] { Keys.Visitor(visitor), Keys.VisitorIndex(visitor), Keys.VisitorSessions(visitor) })
        {
            Assert.InRange((await _app.Db.KeyTimeToLiveAsync(key)) ?? TimeSpan.Zero, retention - TimeSpan.FromMinutes(1), retention);
        }
        // The session's keys, its fields written once with the PageView's visit: every one of them with the session TTL.
        foreach (var key in new[] { Keys.Session(sid), Keys.Events(sid), Keys.Seen(sid), Keys.Touches(sid), Keys.Client(sid) })
        {
            Assert.InRange((await _app.Db.KeyTimeToLiveAsync(key)) ?? TimeSpan.Zero, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        }
        Assert.Equal(1, await _app.Db.SortedSetLengthAsync(Keys.Events(sid)));
    }

    [Fact]
    public async Task Visitor_keys_live_the_configured_retention_and_a_visit_never_shortens_an_index_holding_a_conversion()
    {
        var client = _app.Browser();
        var visitor = (await client.NewSessionAsync()).GetProperty("visitorId").GetString()!;
        var retention = TimeSpan.FromDays(30);

        await client.NewSessionAsync(extra: new { visitorId = visitor });

        foreach (var key in new[] { Keys.Visitor(visitor), Keys.VisitorIndex(visitor), Keys.VisitorSessions(visitor) })
        {
            Assert.InRange(_app.Db.KeyTimeToLive(key)!.Value, retention - TimeSpan.FromMinutes(1), retention);
        }

        var sid = (await client.NewSessionAsync(extra: new { visitorId = visitor })).GetProperty("sessionId").GetString()!;
        await _app.Services.GetRequiredService<DonationStore>().IndexConversionAsync(visitor, sid, Aggregates.Day(_app.Clock.GetUtcNow()), "cs_test_ttl", null);
        await client.NewSessionAsync(extra: new { visitorId = visitor });

        var reports = TimeSpan.FromSeconds(new RetentionOptions().Seconds);
        Assert.InRange(_app.Db.KeyTimeToLive(Keys.VisitorIndex(visitor))!.Value, reports - TimeSpan.FromMinutes(1), reports);
        Assert.InRange(_app.Db.KeyTimeToLive(Keys.Visitor(visitor))!.Value, retention - TimeSpan.FromMinutes(1), retention);
    }
}
