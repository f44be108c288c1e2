using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.EndToEnd.Browser;

/// <summary>
/// The snippet on a single-page site (examples/demo/app.html): client-side navigations, videos rendered after load,
/// a quick exit while the session request is slow, and a service that cannot be reached — in headless Chromium.
/// </summary>
public sealed class SinglePageTests : IAsyncLifetime
{
    private static readonly TimeSpan BrowserBound = TimeSpan.FromSeconds(20);

    private BrowserRig _rig = null!;

    private DemoSite _site => _rig.Site;

    private DeliveryApp _app => _rig.App;

    private IBrowser _browser => _rig.Browser;

    public async Task InitializeAsync() => _rig = await BrowserRig.StartAsync();

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Fact]
    public async Task Client_side_navigations_are_page_views_campaign_parameters_move_the_touch_and_late_videos_are_tracked_once()
    {
        var page = await _browser.NewPageAsync(new() { UserAgent = Chromium.DesktopChrome });
        using var traffic = new ServiceTraffic(_app);
        traffic.Watch(page);
        await page.GotoAsync(_site.Url + "/app.html");
        var sid = await Chromium.SessionIdAsync(page);

        await page.ClickAsync("#about");
        await page.ClickAsync("#campaign");
        await page.ClickAsync("#section"); // only the hash changes: not a navigation
        await page.ClickAsync("#add-video");
        await page.EvalOnSelectorAsync("#clip", "v => v.play()");
        await page.WaitForFunctionAsync("() => document.querySelector('#clip').currentTime > 0.3");
        await page.EvalOnSelectorAsync("#clip", "v => { v.pause(); v.currentTime = 0; return v.play(); }"); // a replay is not a second start

        await Eventually.UntilAsync(async () => (await EventsAsync(sid)).Count(e => e.Event == "PageView") >= 3 && (await EventsAsync(sid)).Any(e => e.Event == "VideoStart"),
            BrowserBound, "three page views and the late video's start stored");
        await traffic.SettledAsync(BrowserBound); // a wrongly doubled VideoStart would be stored by now
        var events = await EventsAsync(sid);
        Assert.Equal(["/app.html", "/app.html?view=about", "/app.html?view=news&utm_source=newsletter&utm_medium=email&utm_campaign=spring"],
            events.Where(e => e.Event == "PageView").Select(e => new Uri(e.Url!).PathAndQuery));
        Assert.Single(events, e => e.Event == "VideoStart" && e.Content == "late_clip");
        Assert.Equal("spring", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "last_touch_campaign"));
        Assert.Equal("late_clip", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "content_viewed"));
    }

    [Fact]
    public async Task Replace_state_and_back_and_forward_are_page_views_of_the_new_url()
    {
        var page = await _browser.NewPageAsync(new() { UserAgent = Chromium.DesktopChrome });
        using var traffic = new ServiceTraffic(_app);
        traffic.Watch(page);
        await page.GotoAsync(_site.Url + "/app.html");
        var sid = await Chromium.SessionIdAsync(page);
        // Each step waits for its PageView before the next, so every one has a later timestamp than the one before
        // and the stored order is the navigation order.
        async Task StepAsync(Func<Task> navigate, int pageViews)
        {
            await navigate();
            await Eventually.UntilAsync(async () => (await EventsAsync(sid)).Count(e => e.Event == "PageView") >= pageViews, BrowserBound, $"{pageViews} page views stored");
        }

        await StepAsync(() => page.ClickAsync("#about"), 2);                            // pushState
        await StepAsync(() => page.ClickAsync("#sort"), 3);                             // replaceState: the same history entry, a new URL
        await StepAsync(() => page.EvaluateAsync("() => history.back()"), 4);           // popstate
        await StepAsync(() => page.EvaluateAsync("() => history.forward()"), 5);        // popstate

        await traffic.SettledAsync(BrowserBound); // a wrongly doubled PageView would be stored by now
        Assert.Equal(["/app.html", "/app.html?view=about", "/app.html?view=about&sort=new", "/app.html", "/app.html?view=about&sort=new"],
            (await EventsAsync(sid)).Where(e => e.Event == "PageView").Select(e => new Uri(e.Url!).PathAndQuery));
    }

    [Fact]
    public async Task A_click_while_a_slow_session_request_is_in_flight_still_arrives_when_the_visitor_leaves()
    {
        var context = await _browser.NewContextAsync(new() { UserAgent = Chromium.DesktopChrome });
        var page = await context.NewPageAsync();
        await page.GotoAsync(_site.Url + "/app.html");
        var sid = await Chromium.SessionIdAsync(page); // a returning visitor: the id is in localStorage

        // The next visit's POST /session answers 1.5 s late; the visitor clicks and leaves before that.
        await page.RouteAsync("**/session", async route =>
        {
            await Task.Delay(1500);
            await route.ContinueAsync();
        });
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.WaitForFunctionAsync("() => window.tracking");
        await page.EvaluateAsync("() => { tracking.event('ButtonClick', { element: 'donate_cta_header' }); }"); // not awaited: the visitor leaves at once
        await page.GotoAsync("about:blank");

        await Eventually.UntilAsync(async () => (await EventsAsync(sid)).Any(e => e.Event == "ButtonClick"), BrowserBound, "the click sent on pagehide with the stored session id");
        await context.DisposeAsync();
    }

    [Fact]
    public async Task A_landing_is_one_request_and_a_new_visitor_leaving_before_its_answer_loses_nothing()
    {
        // A new visitor's landing: POST /session carries the PageView; no POST /events at all.
        var context = await _browser.NewContextAsync(new() { UserAgent = Chromium.DesktopChrome });
        var page = await context.NewPageAsync();
        var posts = new ConcurrentQueue<string>();
        using var traffic = new ServiceTraffic(_app);
        traffic.Watch(context);
        context.Request += (_, request) =>
        {
            if (request.Method == "POST")
            {
                posts.Enqueue(new Uri(request.Url).AbsolutePath);
            }
        };
        await page.GotoAsync(_site.Url + "/app.html");
        var sid = await Chromium.SessionIdAsync(page);
        await traffic.SettledAsync(BrowserBound); // a stray second request would be among the answered ones
        Assert.Equal(["/session"], posts);
        Assert.Equal(["PageView"], (await EventsAsync(sid)).Select(e => e.Event));
        await context.DisposeAsync();

        // Another new visitor whose landing answers 1.5 s late clicks and leaves before that: the page-load request
        // is sent again with the click, lands on the same session, and nothing is stored twice.
        context = await _browser.NewContextAsync(new() { UserAgent = Chromium.DesktopChrome });
        page = await context.NewPageAsync();
        traffic.Watch(context);
        await page.RouteAsync("**/session", async route =>
        {
            await Task.Delay(1500);
            await route.ContinueAsync();
        });
        var element = "cta_" + Guid.NewGuid().ToString("N");
        await page.GotoAsync(_site.Url + "/app.html", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await page.WaitForFunctionAsync("() => window.tracking");
        await page.EvaluateAsync("e => { tracking.event('ButtonClick', { element: e }); }", element);
        await page.GotoAsync("about:blank");

        string? found = null;
        await Eventually.UntilAsync(async () => (found = await SessionWithAsync(element)) is not null, BrowserBound, "the click stored in some session");
        await traffic.SettledAsync(BrowserBound); // both copies of the page load have been answered
        Assert.Equal(["ButtonClick", "PageView"], (await EventsAsync(found!)).Select(e => e.Event).Order(StringComparer.Ordinal));
        Assert.Equal(found, await SessionWithAsync(element));
        await context.DisposeAsync();
    }

    /// <summary>The one session whose events mention <paramref name="marker"/> (every master scanned); null when none does.</summary>
    private async Task<string?> SessionWithAsync(string marker)
    {
        var mux = _app.Db.Multiplexer;
        var found = new List<string>();
        foreach (var endpoint in mux.GetEndPoints())
        {
            var server = mux.GetServer(endpoint);
            if (server.IsReplica)
            {
                continue;
            }
            await foreach (var key in server.KeysAsync(_app.Db.Database, Keys.Events("*")))
            {
                if ((await _app.Db.SortedSetRangeByRankAsync(key)).Any(m => m.ToString().Contains(marker, StringComparison.Ordinal)))
                {
                    found.Add(KeyFamily.Tag(key.ToString())!);
                }
            }
        }
        Assert.True(found.Count <= 1, $"the marker is in {found.Count} sessions");
        return found.SingleOrDefault();
    }

    [Fact]
    public async Task An_unreachable_service_leaves_no_error_on_the_host_page()
    {
        var errors = new ConcurrentQueue<string>();
        // The service goes away after the snippet loaded: every call to it fails as a network error.
        var goneLater = await WatchedPageAsync(errors, "gone after load");
        await goneLater.GotoAsync(_site.Url + "/app.html");
        await goneLater.WaitForFunctionAsync("() => window.tracking");
        var laterRefused = await RefuseServiceAsync(goneLater);
        // Down already when the page loads (the snippet itself came from a CDN or the cache): the landing's own
        // POST /session fails too, and no session id is ever known.
        var goneBefore = await WatchedPageAsync(errors, "down at load");
        var beforeRefused = await RefuseServiceAsync(goneBefore);
        await goneBefore.GotoAsync(_site.Url + "/app.html");
        await goneBefore.WaitForFunctionAsync("() => window.tracking");

        // Both pages at once: each awaited call spends the snippet's retries (0.5 + 1 + 2 s) before it gives up.
        await Task.WhenAll(new[] { goneLater, goneBefore }.Select(page => page.EvaluateAsync("""
                async () => {
                  window.unawaited = [
                    tracking.consent({ analytics: 'granted', marketing: 'denied' }),
                    tracking.event('ButtonClick', { element: 'cta' }),
                    tracking.contentView('trailer_30s'),
                    tracking.selectCampaign('festival-tour'),
                  ];
                  const signedUp = await tracking.signup('fan@example.com', { consent: true });
                  if (signedUp !== false) throw new Error('signup should resolve false when the service is unreachable');
                  const donated = await tracking.donate(25, { redirect: false });
                  if (donated !== null) throw new Error('donate should resolve null when the service is unreachable');
                }
                """)));
        // The calls not awaited above settle once the snippet's own retries (0.5 + 1 + 2 s) have run out.
        foreach (var page in new[] { goneLater, goneBefore })
        {
            await page.EvaluateAsync("() => Promise.all(window.unawaited)").WaitAsync(BrowserBound);
        }
        // Leaving flushes what is queued (pagehide): that fails quietly too.
        foreach (var page in new[] { goneLater, goneBefore })
        {
            await page.GotoAsync("about:blank");
        }

        Assert.Empty(errors);
        // The calls did meet the outage (the routes matched what the snippet sent), on both pages.
        Assert.Superset(new HashSet<string> { "/events", "/signup", "/checkout" }, laterRefused.ToHashSet());
        Assert.Superset(new HashSet<string> { "/session", "/signup", "/checkout" }, beforeRefused.ToHashSet());
    }

    /// <summary>A page whose uncaught errors, unhandled rejections and console errors (other than Chromium's own note of a refused request) go into <paramref name="errors"/>.</summary>
    private async Task<IPage> WatchedPageAsync(ConcurrentQueue<string> errors, string name)
    {
        var context = await _browser.NewContextAsync(new() { UserAgent = Chromium.DesktopChrome });
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => errors.Enqueue($"{name}: page error: {error}");
        page.Console += (_, message) =>
        {
            // Chromium reports the refused connection itself ("Failed to load resource"); what must never appear is
            // an exception or rejection escaping the snippet into the host page.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Enqueue($"{name}: {message.Text}");
            }
        };
        return page;
    }

    /// <summary>Every API call of the snippet fails as a network error from now on (tracker.js itself still loads); the paths refused are collected.</summary>
    private static async Task<ConcurrentQueue<string>> RefuseServiceAsync(IPage page)
    {
        var refused = new ConcurrentQueue<string>();
        foreach (var path in new[] { "**/session", "**/events", "**/checkout", "**/signup" })
        {
            await page.RouteAsync(path, route =>
            {
                refused.Enqueue(new Uri(route.Request.Url).AbsolutePath);
                return route.AbortAsync("connectionrefused");
            });
        }
        return refused;
    }

    private sealed record StoredEvent(string Event, string? Url, string? Content);

    private async Task<List<StoredEvent>> EventsAsync(string sid) =>
        (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v =>
        {
            var e = JsonDocument.Parse(v.ToString()).RootElement;
            return new StoredEvent(e.GetProperty("event").GetString()!, e.TryGetProperty("url", out var u) ? u.GetString() : null,
                e.TryGetProperty("content", out var c) ? c.GetString() : null);
        }).ToList();
}
