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
    private HttpClient _ops = null!;
    private string _range = "";

    public async Task InitializeAsync()
    {
        _ops = _app.CreateClient();
        _ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        var day = _app.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        _range = $"from={day}&to={_app.Clock.GetUtcNow().AddDays(1):yyyy-MM-dd}";

        await DonateAsync(await LandAsync("?utm_source=newsletter&fbclid=IwAR1"), "cs_fbclid", 10); // meta: the click, not the label
        await DonateAsync(await LandAsync("?gclid=Cj0KCQ"), "cs_gclid", 20); // google
        await DonateAsync(await LandAsync("?utm_source=TikTok&utm_medium=paid"), "cs_tiktok", 30); // tiktok, by its label
        await DonateAsync(await LandAsync("?utm_source=youtube"), "cs_youtube", 5); // google
        var both = await LandAsync("?fbclid=IwAR2");
        await TouchAsync(both, "?utm_source=google&gclid=Cj0KCR");
        await DonateAsync(both, "cs_both", 7); // clicks on Meta and Google: the last touch names google
        await DonateAsync(await LandAsync("?utm_source=newsletter"), "cs_other", 3); // other
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Each_donation_goes_wholly_to_one_of_meta_google_tiktok_other()
    {
        var report = await _ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?groupBy=platform&{_range}");

        Assert.Equal(["google:3:USD=32", "meta:1:USD=10", "other:1:USD=3", "tiktok:1:USD=30"], Rows(report));
        Assert.Equal(6, report.GetProperty("totals").GetProperty("donations").GetInt32());
    }

    [Fact]
    public async Task The_platform_is_kept_with_the_conversion_so_an_expired_session_changes_nothing()
    {
        var before = await _ops.GetStringAsync($"/reports/attribution?groupBy=platform&{_range}");
        foreach (var key in RedisServer.Shared.Keys(_app.Database, SessionKeys.AllSessionsPattern).ToList())
        {
            await _app.Db.KeyDeleteAsync(key);
        }

        Assert.Equal(before, await _ops.GetStringAsync($"/reports/attribution?groupBy=platform&{_range}"));
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

        var report = await _ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?groupBy=platform&{_range}");

        Assert.Equal(["google:3:USD=32", "meta:2:USD=22", "other:1:USD=3", "tiktok:1:USD=30"], Rows(report));
    }

    [Fact]
    public async Task The_csv_has_the_same_rows()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/reports/attribution?groupBy=platform&{_range}");
        request.Headers.Accept.ParseAdd("text/csv");
        var csv = await (await _ops.SendAsync(request)).Content.ReadAsStringAsync();

        foreach (var key in new[] { "meta", "google", "tiktok", "other" })
        {
            Assert.Contains(csv.Split('\n'), line => line.StartsWith(key + ",", StringComparison.Ordinal));
        }
    }

    private static string[] Rows(JsonElement report) => report.GetProperty("rows").EnumerateArray().Select(r =>
        $"{r.GetProperty("key").GetString()}:{r.GetProperty("donations").GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture)}:" +
        string.Join(",", r.GetProperty("revenue").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name.ToUpperInvariant()}={p.Value.GetDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture)}"))).ToArray();

    private async Task<(HttpClient Client, string Id, string Visitor)> LandAsync(string query)
    {
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        var client = _app.Browser();
        var created = await client.NewSessionAsync(url: "https://film.example/watch" + query);
        return (client, created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
    }

    private async Task TouchAsync((HttpClient Client, string Id, string Visitor) v, string query)
    {
        _app.Clock.Advance(TimeSpan.FromHours(1));
        var response = await v.Client.PostAsJsonAsync("/session", new { url = "https://film.example/" + query, sessionId = v.Id });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task DonateAsync((HttpClient Client, string Id, string Visitor) v, string checkoutId, int amount)
    {
        _app.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(HttpStatusCode.Created, (await v.Client.PostAsJsonAsync("/checkout", new { sessionId = v.Id, amount })).StatusCode);
        var payload = StripeSigner.CheckoutEvent("evt_" + checkoutId, "checkout.session.completed", checkoutId, v.Id, "paid", amount * 100, "usd", _app.Clock.GetUtcNow(), visitorId: v.Visitor);
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(payload)).StatusCode);
    }
}
