using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Donations;
using Tracking.Sessions;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Reports;

/// <summary>
/// Revenue by ad platform (<c>groupBy=platform</c>) over donors whose click ids and utm_source disagree; every
/// expectation follows from the rule in docs/reports.md (a click id wins over utm_source; with clicks of several
/// platforms, the one the last touch names).
/// </summary>
public sealed class PlatformReportTests : IAsyncLifetime
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe();
    private readonly ReportJourneys _journeys;

    public PlatformReportTests() => _journeys = new(_app);

    public async Task InitializeAsync()
    {
        await _journeys.DonateAsync(await _journeys.LandAsync("?utm_source=newsletter&fbclid=IwAR1"), "cs_fbclid", 10); // meta: the click, not the label
        await _journeys.DonateAsync(await _journeys.LandAsync("?gclid=Cj0KCQ"), "cs_gclid", 20); // google
        await _journeys.DonateAsync(await _journeys.LandAsync("?utm_source=TikTok&utm_medium=paid"), "cs_tiktok", 30); // tiktok, by its label
        await _journeys.DonateAsync(await _journeys.LandAsync("?utm_source=youtube"), "cs_youtube", 5); // google
        var both = await _journeys.LandAsync("?fbclid=IwAR2");
        await _journeys.TouchAsync(both, "?utm_source=google&gclid=Cj0KCR");
        await _journeys.DonateAsync(both, "cs_both", 7); // clicks on Meta and Google: the last touch names google
        await _journeys.DonateAsync(await _journeys.LandAsync("?utm_source=newsletter"), "cs_other", 3); // other
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Each_donation_goes_wholly_to_one_of_meta_google_tiktok_other()
    {
        var report = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?groupBy=platform&{_journeys.Range}");

        Assert.Equal(["google:3:USD=32", "meta:1:USD=10", "other:1:USD=3", "tiktok:1:USD=30"], ReportJourneys.Rows(report));
        Assert.Equal(6, report.GetProperty("totals").GetProperty("donations").GetInt32());
    }

    [Fact]
    public async Task The_platform_is_kept_with_the_conversion_so_an_expired_session_changes_nothing()
    {
        var before = await _journeys.Ops.GetStringAsync($"/reports/attribution?groupBy=platform&{_journeys.Range}");
        foreach (var key in RedisServer.Shared.Keys(_app.Database, SessionKeys.AllSessionsPattern).ToList())
        {
            await _app.Db.KeyDeleteAsync(key);
        }

        Assert.Equal(before, await _journeys.Ops.GetStringAsync($"/reports/attribution?groupBy=platform&{_journeys.Range}"));
    }

    [Fact]
    public async Task A_conversion_recorded_before_platforms_were_kept_goes_to_the_platform_its_last_touch_names()
    {
        var day = _app.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var at = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var tag = Partitions.Tags[0];
        await _app.Db.HashSetAsync(Keys.Conversions(tag, day), "cs_old",
            JsonSerializer.Serialize(new ConversionRecord("cs_old", "s_old", 12m, "usd", at), DonationsJson.Default.ConversionRecord));
        await _app.Db.HashSetAsync(Keys.ConversionPaths(tag, day), "cs_old",
            JsonSerializer.Serialize([new Touch("ig", "paid", "winter", null, null, at - 1000)], SessionsJson.Default.ListTouch));

        var report = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?groupBy=platform&{_journeys.Range}");

        Assert.Equal(["google:3:USD=32", "meta:2:USD=22", "other:1:USD=3", "tiktok:1:USD=30"], ReportJourneys.Rows(report));
    }

    [Fact]
    public async Task The_csv_has_the_same_rows()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/reports/attribution?groupBy=platform&{_journeys.Range}");
        request.Headers.Accept.ParseAdd("text/csv");
        var csv = await (await _journeys.Ops.SendAsync(request)).Content.ReadAsStringAsync();

        foreach (var key in new[] { "meta", "google", "tiktok", "other" })
        {
            Assert.Contains(csv.Split('\n'), line => line.StartsWith(key + ",", StringComparison.Ordinal));
        }
    }
}
