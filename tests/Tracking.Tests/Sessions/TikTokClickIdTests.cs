using System.Net;
using System.Net.Http.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>TikTok's click id and cookie on <c>POST /session</c>: read like fbclid and fbp, first and last touch, case kept.</summary>
public sealed class TikTokClickIdTests : IDisposable
{
    private readonly TrackingApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<string?> FieldAsync(string sid, string field) => await _app.Db.HashGetAsync(Keys.Session(sid), field);

    [Fact]
    public async Task A_ttclid_landing_is_a_tiktok_touch_and_a_later_one_moves_the_last_touch_keeping_the_ids_case()
    {
        var client = _app.CreateClient();
        var created = await client.NewSessionAsync(url: "https://film.example/watch?ttclid=E.C.P.AbCd-12_x", extra: new { ttp = "2F7h37YkS1j57AYSKTI7IHhJPYH" });
        var sid = created.GetProperty("sessionId").GetString()!;
        Assert.Equal("E.C.P.AbCd-12_x", await FieldAsync(sid, SessionField.Ttclid));
        Assert.Equal("2F7h37YkS1j57AYSKTI7IHhJPYH", await FieldAsync(sid, SessionField.Ttp));
        Assert.Equal("tiktok", await FieldAsync(sid, SessionField.FirstTouchSource));
        Assert.Equal("paid_social", await FieldAsync(sid, SessionField.LastTouchMedium));

        var again = await client.PostAsJsonAsync("/session", new { url = "https://film.example/?x=1", sessionId = sid, ttclid = "E.C.P.NeW", ttp = "2F7h37YkS1j57AYSKTI7IHhJPYH.tt.1", utm = new { source = "tiktok", campaign = "spring" } });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("E.C.P.NeW", await FieldAsync(sid, SessionField.Ttclid));
        Assert.Equal("2F7h37YkS1j57AYSKTI7IHhJPYH.tt.1", await FieldAsync(sid, SessionField.Ttp));
        Assert.Equal("tiktok", await FieldAsync(sid, SessionField.FirstTouchSource));
        Assert.Equal("spring", await FieldAsync(sid, SessionField.LastTouchCampaign));
    }

    [Fact]
    public async Task An_over_long_ttp_or_ttclid_is_a_validation_problem()
    {
        var client = _app.CreateClient();
        var ttp = await client.PostAsJsonAsync("/session", new { url = "https://film.example/", ttp = new string('a', 257) });
        var ttclid = await client.PostAsJsonAsync("/session", new { url = "https://film.example/?ttclid=" + new string('a', 513) });

        Assert.Equal(HttpStatusCode.BadRequest, ttp.StatusCode);
        Assert.True((await ttp.ProblemAsync()).GetProperty("errors").TryGetProperty("ttp", out _));
        Assert.Equal(HttpStatusCode.BadRequest, ttclid.StatusCode);
        Assert.True((await ttclid.ProblemAsync()).GetProperty("errors").TryGetProperty("ttclid", out _));
    }
}
