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
