using System.Text.Json;
using Microsoft.Playwright;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.EndToEnd.Browser;

/// <summary>The real snippet in headless Chromium beside a TikTok pixel: it sends the <c>_ttp</c> cookie and shares its event ids with <c>ttq</c>.</summary>
public sealed class TikTokPixelTests : IAsyncLifetime
{
    private const string Ttp = "2F7h37YkS1j57AYSKTI7IHhJPYH.tt.1";

    private BrowserRig _rig = null!;

    public async Task InitializeAsync() => _rig = await BrowserRig.StartAsync();

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    private static Task<IRequest> PostAsync(IPage page, string path) =>
        page.WaitForRequestAsync(r => r.Method == "POST" && new Uri(r.Url).AbsolutePath == path);

    [Fact]
    public async Task The_snippet_sends_the_ttp_cookie_and_gives_ttq_the_event_id_of_the_view_it_sends()
    {
        await using var context = await _rig.Browser.NewContextAsync(new() { UserAgent = Chromium.DesktopChrome });
        await context.AddCookiesAsync([new Cookie { Name = "_ttp", Value = Ttp, Url = _rig.Site.Url }]);
        var page = await context.NewPageAsync();
        // A stand-in for TikTok's pixel that records what it is given.
        await page.AddInitScriptAsync("window.__ttq = []; window.ttq = { track: function () { window.__ttq.push(Array.prototype.slice.call(arguments)); } };");

        var landing = PostAsync(page, "/session");
        await page.GotoAsync(_rig.Site.Url + "/app.html?ttclid=E.C.P.Br0wSer");
        var body = JsonDocument.Parse((await landing).PostData!).RootElement;
        Assert.Equal(Ttp, body.GetProperty("ttp").GetString());
        var sid = await Chromium.SessionIdAsync(page);
        Assert.Equal("E.C.P.Br0wSer", (string?)await _rig.App.Db.HashGetAsync(Keys.Session(sid), SessionField.Ttclid));

        var sent = PostAsync(page, "/events");
        await page.EvaluateAsync("() => tracking.contentView('trailer')");
        var view = JsonDocument.Parse((await sent).PostData!).RootElement.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("event").GetString() == "ViewContent");

        var call = Assert.Single((await page.EvaluateAsync<JsonElement>("() => window.__ttq")).EnumerateArray());
        Assert.Equal("ViewContent", call[0].GetString());
        Assert.Equal("trailer", call[1].GetProperty("content_id").GetString());
        Assert.Equal(view.GetProperty("eventId").GetString(), call[2].GetProperty("event_id").GetString());
    }
}
