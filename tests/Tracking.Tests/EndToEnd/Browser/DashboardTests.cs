using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.EndToEnd.Browser;

/// <summary>The dashboard in headless Chromium against a seeded service listening on loopback.</summary>
public sealed class DashboardTests
{

    [Fact]
    public async Task The_dashboard_shows_the_funnel_and_revenue_by_ad_platform_campaign_content_and_selected_campaign_without_console_errors()
    {
        using var app = DeliveryApp.CreateWithStripe();
        app.UseKestrel(0);
        app.StartServer();
        var baseUrl = app.ClientOptions.BaseAddress.ToString().TrimEnd('/');
        await DonorAsync(app, "?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_30s", "cs_d1", 25, selected: "festival-tour");
        await DonorAsync(app, "?utm_source=google&utm_medium=cpc&utm_campaign=spring", "cs_d2", 40);
        var day = app.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        app.Stub.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v25.0/dataset_quality").UsingGet()).RespondWith(WireMock.ResponseBuilders.Response.Create()
            .WithHeader("Content-Type", "application/json").WithBody("""
                {"web":[{"event_name":"Purchase","event_match_quality":{"composite_score":6.4,"match_key_feedback":[{"identifier":"email","coverage":{"percentage":92}},{"identifier":"fbc","coverage":{"percentage":31}},{"identifier":"ip_address","coverage":{"percentage":100}}],
                  "diagnostics":[{"name":"fbc","solution":"Pass fbclid to the service"}]},"dedupe_key_feedback":[{"dedupe_key":"event_id","server_events_with_dedupe_key":{"percentage":100}}]}]}
                """));

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 390, Height = 844 } });
            // Until the wrong key below (whose 401 is the point), the page must log no error: no uncaught exception,
            // no failed request — the favicon included (the browser asks for /favicon.ico unless the page names one).
            var errors = new ConcurrentQueue<string>();
            page.PageError += (_, error) => errors.Enqueue("page error: " + error);
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    errors.Enqueue("console: " + message.Text);
                }
            };
            page.Response += (_, response) =>
            {
                if (response.Status >= 400)
                {
                    errors.Enqueue($"{response.Status} for {response.Url}");
                }
            };
            page.RequestFailed += (_, request) => errors.Enqueue($"failed: {request.Url} ({request.Failure})");
            await page.GotoAsync(baseUrl + "/dashboard");
            await page.FillAsync("#key", OpsKey.Value);
            await page.FillAsync("#from", day);
            await page.FillAsync("#to", day);
            await page.ClickAsync("#load");
            await page.WaitForSelectorAsync("#by-campaign .row[data-key=spring]");

            Assert.Equal("2", await page.TextContentAsync("#funnel .row[data-key=sessions] .num"));
            Assert.Equal("2", await page.TextContentAsync("#funnel .row[data-key=checkouts] .num")); // no video step before it: no rate
            Assert.Equal("2 (100%)", await page.TextContentAsync("#funnel .row[data-key=donations] .num"));
            Assert.Equal("40 USD", await page.TextContentAsync("#by-campaign .row[data-key=spring] .num"));
            Assert.Equal("25 USD", await page.TextContentAsync("#by-campaign .row[data-key=winter] .num"));
            Assert.Equal("25 USD", await page.TextContentAsync("#by-content .row[data-key=trailer_30s] .num"));
            // The ad platforms, every one listed: utm_source=facebook is Meta's, google Google's.
            Assert.Equal(["Meta", "Google", "TikTok", "Other"], await page.Locator("#by-platform .row .label").AllTextContentsAsync());
            Assert.Equal("25 USD", await page.TextContentAsync("#by-platform .row[data-key=meta] .num"));
            Assert.Equal("40 USD", await page.TextContentAsync("#by-platform .row[data-key=google] .num"));
            Assert.Equal("0", await page.TextContentAsync("#by-platform .row[data-key=tiktok] .num"));
            Assert.Equal("0", await page.TextContentAsync("#by-platform .row[data-key=other] .num"));
            // The fundraising campaign the first donor picked on the page; the other picked none.
            Assert.Equal("festival-tour", await page.TextContentAsync("#by-selected .row[data-key=festival-tour] .label"));
            Assert.Equal("25 USD", await page.TextContentAsync("#by-selected .row[data-key=festival-tour] .num"));
            Assert.Equal("40 USD", await page.TextContentAsync("#by-selected .row[data-key='(none)'] .num"));
            Assert.Equal(2, await page.Locator("#by-selected .row").CountAsync());
            Assert.Equal("2 donations · 65 USD", await page.TextContentAsync("#status"));
            Assert.Equal("2 donations over 1 days", await page.TextContentAsync("#daily-total"));
            await page.WaitForSelectorAsync("#meta-quality .row[data-key=Purchase]");
            Assert.Equal("6.4 good", await page.TextContentAsync("#meta-quality .row[data-key=Purchase] .num"));
            Assert.Contains("weakest: fbc 31%, email 92%", await page.TextContentAsync("#meta-quality .row[data-key=Purchase]"), StringComparison.Ordinal);
            Assert.Contains("Pass fbclid to the service", await page.TextContentAsync("#meta-quality .row[data-key=Purchase]"), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Chromium.ArtifactPath("dashboard.png"), FullPage = true });
            Assert.Empty(errors);

            await page.FillAsync("#key", "wrong");
            await page.ClickAsync("#load");
            await page.WaitForSelectorAsync("#status.error");
            Assert.Equal("Wrong ops key.", await page.TextContentAsync("#status"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <param name="selected">The fundraising campaign the donor picks on the page (CampaignSelected), if any.</param>
    private static async Task DonorAsync(DeliveryApp app, string query, string checkoutId, int amount, string? selected = null)
    {
        var client = app.Browser();
        var created = await client.NewSessionAsync(url: "https://film.example/watch" + query);
        var sid = created.GetProperty("sessionId").GetString()!;
        if (selected is not null)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "CampaignSelected", properties = new { campaign = selected } })).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount })).StatusCode);
        // Stripe returns the campaign the service put in the Checkout Session's metadata.
        var campaign = System.Web.HttpUtility.ParseQueryString(app.Calls(DeliveryApp.CheckoutPath).Last().RequestMessage.Body!)["metadata[campaign]"];
        Assert.Equal(selected, campaign);
        var payload = StripeSigner.CheckoutEvent("evt_" + checkoutId, "checkout.session.completed", checkoutId, sid, "paid", amount * 100, "usd",
            app.Clock.GetUtcNow(), visitorId: created.GetProperty("visitorId").GetString(),
            extraMetadata: campaign is null ? "" : $",\"campaign\":\"{campaign}\"");
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(payload)).StatusCode);
    }
}
