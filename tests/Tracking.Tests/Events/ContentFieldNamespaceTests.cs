using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>
/// Per-content fields (<c>{content}_watch_time</c>, <c>_watched</c>, <c>_completion</c>) share the session hash with
/// the session's own fields: a content id whose per-content field would be one of them is refused, naming the field.
/// </summary>
public sealed class ContentFieldNamespaceTests : IDisposable
{
    private static readonly string[] Suffixes = [SessionField.WatchTimeSuffix, SessionField.WatchedSuffix, SessionField.CompletionSuffix];

    private readonly DeliveryApp _app = DeliveryApp.Create();

    public void Dispose() => _app.Dispose();

    /// <summary>Every content id that would produce a session field: <c>total</c> (→ <c>total_watch_time</c>) and any a new field would add.</summary>
    public static TheoryData<string> CollidingContents()
    {
        var contents = typeof(SessionField).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && !f.Name.EndsWith("Suffix", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .SelectMany(name => Suffixes.Where(s => name.EndsWith(s, StringComparison.Ordinal) && name.Length > s.Length).Select(s => name[..^s.Length]))
            .ToList();
        Assert.Contains("total", contents);
        return new TheoryData<string>(contents);
    }

    [Theory]
    [MemberData(nameof(CollidingContents))]
    public async Task A_content_id_that_would_write_a_session_field_is_refused_and_leaves_the_session_untouched(string content)
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        _app.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Accepted, (await Watch(client, sid, "trailer_30s", 2)).StatusCode);
        var before = await SessionAsync(sid);
        _app.Clock.Advance(TimeSpan.FromSeconds(10));

        foreach (var name in new[] { "VideoStart", "VideoProgress", "VideoComplete", "VideoWatch" })
        {
            var response = name == "VideoWatch" ? await Watch(client, sid, content, 6)
                : await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = name, properties = new { content, percent = 25 } });

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("properties.content", out _), name);
        }
        Assert.Equal(before, await SessionAsync(sid));
        Assert.Equal("2.0", before[SessionField.TotalWatchTime]);
    }

    private static Task<HttpResponseMessage> Watch(HttpClient client, string sid, string content, double seconds) =>
        client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "VideoWatch", properties = new { content, watch_time = seconds } });

    private async Task<Dictionary<string, string>> SessionAsync(string sid) =>
        (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
}
