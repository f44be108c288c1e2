using Microsoft.Playwright;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.EndToEnd.Browser;

/// <summary>
/// A page whose address is longer than the service takes (2048 characters: a tracking parameter gone wild) is still
/// tracked: the snippet cuts the address, so the session keeps its campaign parameters (they come first) and the
/// page's events are stored instead of refused.
/// </summary>
public sealed class LongUrlTests : IAsyncLifetime
{
    private BrowserRig _rig = null!;

    public async Task InitializeAsync() => _rig = await BrowserRig.StartAsync();

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_over_long_page_address_is_cut_and_the_visit_is_still_recorded()
    {
        var page = await _rig.Browser.NewPageAsync(new() { UserAgent = Chromium.DesktopChrome });
        var landing = _rig.Site.Url + "/app.html?utm_source=newsletter&utm_campaign=winter&junk=" + new string('x', 3000);

        await page.GotoAsync(landing);
        var sid = await Chromium.SessionIdAsync(page);
        await page.EvaluateAsync("() => tracking.event('ButtonClick', { element: 'cta' })");

        await Eventually.UntilAsync(async () => await _rig.App.Db.SortedSetLengthAsync(Keys.Events(sid)) >= 2,
            TimeSpan.FromSeconds(15), "the page view and the click stored");
        Assert.Equal("newsletter", (string?)await _rig.App.Db.HashGetAsync(Keys.Session(sid), "utm_source"));
        Assert.Equal("winter", (string?)await _rig.App.Db.HashGetAsync(Keys.Session(sid), "utm_campaign"));
        var members = (await _rig.App.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(m => m.ToString()).ToList();
        Assert.Contains(members, m => m.Contains("\"ButtonClick\"", StringComparison.Ordinal));
    }
}
