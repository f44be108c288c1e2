using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.EndToEnd.Browser;

/// <summary>
/// Watch time measured by the snippet in headless Chromium on a real 4-second video (examples/demo/app.html's late
/// clip): seconds actually played, seeking and pauses excluded, reported with VideoComplete and on pagehide.
/// </summary>
public sealed class WatchTimeTests : IAsyncLifetime
{
    private static readonly TimeSpan BrowserBound = TimeSpan.FromSeconds(20);

    // Seconds of content the element really played (its played ranges), which at rate 1 is the real playing time.
    private const string Played = "() => { const v = document.querySelector('#clip'); let s = 0; for (let i = 0; i < v.played.length; i++) s += v.played.end(i) - v.played.start(i); return s; }";

    private BrowserRig _rig = null!;

    private DemoSite _site => _rig.Site;

    private DeliveryApp _app => _rig.App;

    private Microsoft.Playwright.IBrowser _browser => _rig.Browser;

    public async Task InitializeAsync() => _rig = await BrowserRig.StartAsync();

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    private async Task<(Microsoft.Playwright.IPage Page, string Sid)> OpenAsync()
    {
        var page = await _browser.NewPageAsync(new() { UserAgent = Chromium.DesktopChrome });
        await page.GotoAsync(_site.Url + "/app.html");
        var sid = await Chromium.SessionIdAsync(page);
        await page.ClickAsync("#add-video");
        return (page, sid);
    }

    private async Task<Dictionary<string, string>> SessionAsync(string sid) =>
        (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());

    private static double Seconds(string value) => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_snippet_selects_a_campaign_and_signs_up_and_a_signup_without_the_service_resolves_false()
    {
        var (page, sid) = await OpenAsync();

        var request = page.WaitForRequestAsync("**/signup");
        var signedUp = await page.EvaluateAsync<bool>("async () => { await tracking.selectCampaign('festival-tour'); return await tracking.signup('fan@example.com', { consent: true }); }");

        Assert.True(signedUp);
        // The page signed up on goes with it (Meta's Lead event_source_url); the page had no referrer, so none is sent.
        var sent = JsonDocument.Parse((await request).PostData!).RootElement;
        Assert.Equal(page.Url, sent.GetProperty("url").GetString());
        Assert.False(sent.TryGetProperty("referrer", out _));
        await Eventually.UntilAsync(async () => (await SessionAsync(sid)).ContainsKey("selected_campaign"), BrowserBound, "CampaignSelected stored");
        var session = await SessionAsync(sid);
        Assert.Equal("festival-tour", session["selected_campaign"]);
        Assert.Equal("true", session["email_signup"]);
        Assert.Equal("true", session["email_consent"]);
        await page.RouteAsync("**/signup", route => route.AbortAsync("connectionrefused"));
        Assert.False(await page.EvaluateAsync<bool>("() => tracking.signup('fan@example.com')"));
    }

    [Fact]
    public async Task Watching_to_the_end_records_watched_completion_100_and_the_real_playing_time()
    {
        var (page, sid) = await OpenAsync();

        await page.EvalOnSelectorAsync("#clip", "v => v.play()");
        await page.WaitForFunctionAsync("() => document.querySelector('#clip').ended", null, new() { Timeout = 15_000 });
        var played = await page.EvaluateAsync<double>(Played);

        await Eventually.UntilAsync(async () => (await SessionAsync(sid)).ContainsKey("total_watch_time"), BrowserBound, "VideoComplete with its watch time stored");
        var session = await SessionAsync(sid);
        Assert.Equal("true", session["late_clip_watched"]);
        Assert.Equal("100", session["late_clip_completion"]);
        Assert.InRange(Seconds(session["total_watch_time"]), played - 1, played + 1);
        Assert.Equal(session["total_watch_time"], session["late_clip_watch_time"]);
    }

    [Fact]
    public async Task Seeking_forward_adds_nothing_and_leaving_the_page_reports_what_was_played()
    {
        var (page, sid) = await OpenAsync();

        await page.EvalOnSelectorAsync("#clip", "v => v.play()");
        // The seek happens in the same browser step that sees 1 s played (a second round trip could let it play past 3 s
        // first on a loaded box): it skips the seconds up to 3 that were never played.
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('#clip'); if (v.currentTime <= 1) return false; v.currentTime = 3; return true; }");
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('#clip'); return !v.seeking && v.currentTime > 3.5; }");
        var played = await page.EvaluateAsync<double>(Played);
        await page.GotoAsync("about:blank"); // pagehide: VideoWatch (or VideoComplete if it just ended)

        await Eventually.UntilAsync(async () => (await SessionAsync(sid)).ContainsKey("total_watch_time"), BrowserBound, "the watch time sent on pagehide");
        var total = Seconds((await SessionAsync(sid))["total_watch_time"]);
        Assert.InRange(total, played - 1, played + 1);
        Assert.True(total < 3, $"seeking forward must not count: {total} s recorded for {played} s played");
    }

    [Fact]
    public async Task Pausing_and_resuming_adds_no_watch_time_for_the_pause()
    {
        var (page, sid) = await OpenAsync();

        await page.EvalOnSelectorAsync("#clip", "v => v.play()");
        // Paused in the same browser step that sees 1 s played, so the rest of the clip is left for after the pause.
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('#clip'); if (v.currentTime <= 1) return false; v.pause(); window.pausedAt = performance.now(); return true; }");
        // The pause lasts 3 s of the page's own clock, longer than the tolerance below, so counting it would fail.
        await page.WaitForFunctionAsync("() => document.querySelector('#clip').paused && performance.now() - window.pausedAt >= 3000", null, new() { Timeout = 10_000 });
        await page.EvalOnSelectorAsync("#clip", "v => v.play()");
        await page.WaitForFunctionAsync("() => document.querySelector('#clip').currentTime > 2.5");
        var played = await page.EvaluateAsync<double>(Played);
        await page.GotoAsync("about:blank"); // pagehide: VideoWatch (or VideoComplete if it just ended)

        await Eventually.UntilAsync(async () => (await SessionAsync(sid)).ContainsKey("total_watch_time"), BrowserBound, "the watch time sent on pagehide");
        var total = Seconds((await SessionAsync(sid))["total_watch_time"]);
        Assert.InRange(total, played - 1, played + 1);
    }
}
