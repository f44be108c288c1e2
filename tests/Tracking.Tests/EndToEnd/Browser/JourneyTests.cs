using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.EndToEnd.Browser;

/// <summary>
/// The seed's six-step journey in headless Chromium with the real tracker.js: land with UTMs and fbclid → watch the
/// trailer past 50 % → donate 25 → pay on the Stripe stand-in → thank-you page; then what Redis, Meta and PostHog hold.
/// </summary>
public sealed class JourneyTests : IAsyncLifetime
{
    private const string Landing = "/index.html?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_30s&fbclid=IwAR_e2e_Click";
    /// <summary>How long what the browser sends asynchronously may take to land.</summary>
    private static readonly TimeSpan BrowserBound = TimeSpan.FromSeconds(20);

    private BrowserRig _rig = null!;

    private DemoSite _site => _rig.Site;

    private DeliveryApp _app => _rig.App;

    private IBrowser _browser => _rig.Browser;

    public async Task InitializeAsync() => _rig = await BrowserRig.StartAsync(
        site => new()
        {
            ["Stripe:SecretKey"] = "sk_test_e2e",
            ["Stripe:WebhookSecret"] = StripeSigner.Secret,
            ["Stripe:ApiBase"] = site.Url,
            ["Donations:SuccessUrl"] = site.Url + "/thank-you.html?cs={CHECKOUT_SESSION_ID}",
            ["Donations:CancelUrl"] = site.Url + "/watch.html",
        },
        app =>
        {
            app.StubMetaOk();
            app.StubPostHogOk();
        });

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_whole_journey_lands_in_redis_meta_and_posthog()
    {
        var page = await _browser.NewPageAsync(new() { UserAgent = Chromium.DesktopChrome });
        var pixel = new ConcurrentQueue<JsonElement>();
        await page.ExposeFunctionAsync("__recordFbq", (string call) => pixel.Enqueue(JsonDocument.Parse(call).RootElement.Clone()));

        // 1. Land with UTMs and fbclid; a reload must not create a second session.
        await page.GotoAsync(_site.Url + Landing);
        var sid = await Chromium.SessionIdAsync(page);
        await Screenshot(page, "journey-1-landing.png");
        await page.ReloadAsync();
        Assert.Equal(sid, await Chromium.SessionIdAsync(page));

        // 2-3. Watch the trailer past half (playback, then a seek: each milestone once).
        await page.ClickAsync("#watch");
        await page.WaitForURLAsync("**/watch.html");
        await page.EvalOnSelectorAsync("#trailer", "v => v.play()");
        await page.WaitForFunctionAsync("() => document.querySelector('#trailer').currentTime > 0.3");
        await page.EvalOnSelectorAsync("#trailer", "v => { v.pause(); v.currentTime = v.duration * 0.6; }");
        await Eventually.UntilAsync(async () => (int?)await _app.Db.HashGetAsync(Keys.Session(sid), "trailer_30s_completion") >= 50,
            BrowserBound, "the trailer's 50 % milestone recorded on the session");
        await Screenshot(page, "journey-2-watch.png");

        // 4-5. Donate 25 → Stripe stand-in → pay → thank-you page.
        await page.ClickAsync("#donate");
        await page.WaitForURLAsync("**/pay/*");
        await Screenshot(page, "journey-3-stripe.png");
        await page.ClickAsync("#pay");
        await page.WaitForSelectorAsync("#thanks");
        await Screenshot(page, "journey-4-thank-you.png");
        await Eventually.UntilAsync(async () => (await EventNamesAsync(sid)).Count(e => e == "PageView") >= 4,
            BrowserBound, "the thank-you page's PageView (the 4th) stored");

        // Redis: attribution, content, completion, conversion, and the ordered events.
        var hash = (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("facebook", hash["first_touch_source"]);
        Assert.Equal("trailer_30s", hash["utm_content"]);
        Assert.Equal("IwAR_e2e_Click", hash["fbclid"]);
        Assert.Equal("trailer_30s", hash["content_viewed"]);
        Assert.True(int.Parse(hash["trailer_30s_completion"], System.Globalization.CultureInfo.InvariantCulture) >= 50);
        Assert.Equal("true", hash["donation_completed"]);
        Assert.Equal("25", hash["donation_amount"]);
        Assert.Equal(
            ["PageView", "PageView", "PageView", "VideoStart", "VideoProgress", "VideoProgress", "InitiateCheckout", "Purchase", "PageView"],
            await EventNamesAsync(sid));

        // Meta and PostHog, through the outbox.
        await _app.RunRoundsAsync(2);
        var meta = _app.MetaEventsDelivered();
        Assert.Equal(["InitiateCheckout", "PageView", "Purchase", "ViewContent"], meta.Select(e => e.GetProperty("event_name").GetString()!).Distinct().Order());
        var purchase = meta.Single(e => e.GetProperty("event_name").GetString() == "Purchase");
        Assert.Equal(25m, purchase.GetProperty("custom_data").GetProperty("value").GetDecimal());
        Assert.StartsWith("fb.1.", purchase.GetProperty("user_data").GetProperty("fbc").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(".IwAR_e2e_Click", purchase.GetProperty("user_data").GetProperty("fbc").GetString(), StringComparison.Ordinal);
        var pixelIds = pixel.Select(c => c[3].GetProperty("eventID").GetString()).ToHashSet();
        var browserMetaIds = meta.Where(e => e.GetProperty("event_name").GetString() is "PageView" or "ViewContent").Select(e => e.GetProperty("event_id").GetString()).ToHashSet();
        Assert.Equal(5, pixelIds.Count);
        Assert.Equal(pixelIds, browserMetaIds);
        var posthog = _app.PostHogEventsDelivered().Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Contains("Donation Completed", posthog);
        Assert.Contains("Checkout Started", posthog);
        Assert.Equal(2, posthog.Count(e => e == "Video Progress"));
    }

    [Fact]
    public async Task Denied_marketing_consent_sends_nothing_to_meta()
    {
        var context = await _browser.NewContextAsync(new() { UserAgent = Chromium.DesktopChrome });
        var page = await context.NewPageAsync();
        var pixelCalls = 0;
        await page.ExposeFunctionAsync("__recordFbq", (string _) => Interlocked.Increment(ref pixelCalls));
        await page.GotoAsync(_site.Url + "/index.html?utm_source=facebook&fbclid=IwAR_denied");
        var sid = await Chromium.SessionIdAsync(page);
        await page.ClickAsync("#deny");
        await Eventually.UntilAsync(async () => (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "consent_marketing") == "denied",
            BrowserBound, "the denied marketing consent stored on the session");
        var callsBefore = pixelCalls;
        await page.ClickAsync("#watch");
        await page.WaitForURLAsync("**/watch.html");
        await page.EvalOnSelectorAsync("#trailer", "v => { v.currentTime = v.duration * 0.3; }");
        await Eventually.UntilAsync(async () => (await EventNamesAsync(sid)).Contains("VideoProgress"), BrowserBound, "a VideoProgress event stored after the seek");

        await _app.RunRoundsAsync();

        var ids = (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => JsonDocument.Parse(v.ToString()).RootElement.GetProperty("eventId").GetString()).ToHashSet();
        Assert.DoesNotContain(_app.MetaEventsDelivered(), e => ids.Contains(e.GetProperty("event_id").GetString()));
        Assert.Contains(_app.PostHogEventsDelivered(), e => e.GetProperty("properties").GetProperty("tracking_session_id").GetString() == sid);
        Assert.Equal(callsBefore, pixelCalls);
        await context.DisposeAsync();
    }

    private async Task<List<string>> EventNamesAsync(string sid) =>
        (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => JsonDocument.Parse(v.ToString()).RootElement.GetProperty("event").GetString()!).ToList();

    private static Task<byte[]> Screenshot(IPage page, string name) => page.ScreenshotAsync(new() { Path = Chromium.ArtifactPath(name) });
}
