using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>The seed's PageView member: <c>page</c> (the path) and <c>utm_source</c>.</summary>
public sealed class PageViewMemberTests : IDisposable
{
    private readonly TrackingApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_page_view_member_carries_the_path_and_utm_source_and_a_property_cannot_forge_them()
    {
        var client = _app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        await client.PostAsJsonAsync("/events", new { sessionId = sid, events = new object[]
        {
            new { @event = "PageView", url = "https://film.example/watch/trailer?utm_source=facebook&utm_campaign=winter", properties = new { page = "/forged", utm_source = "forged" } },
            new { @event = "PageView", url = "https://film.example/about" },
        } });

        var members = (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => JsonDocument.Parse(v.ToString()).RootElement).ToList();
        Assert.Equal("/watch/trailer", members[0].GetProperty("page").GetString());
        Assert.Equal("facebook", members[0].GetProperty("utm_source").GetString());
        Assert.Equal("/about", members[1].GetProperty("page").GetString());
        Assert.False(members[1].TryGetProperty("utm_source", out _));
    }
}
