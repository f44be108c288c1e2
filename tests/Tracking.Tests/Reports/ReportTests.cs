using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Reports;

/// <summary>
/// Five donors walk realistic journeys through the public endpoints and the signed webhook:
/// V1 facebook/winter/trailer_30s → returns from an e-mail (dec) → donates 25 USD;
/// V2 facebook/winter/trailer_60s → donates 40 USD;
/// V3 google/spring → facebook/winter/trailer_30s → e-mail (dec) → donates 30 EUR;
/// V4 direct → donates 10 USD (unattributed); V5 facebook/winter but the session expired before paying → 50 USD (unattributed).
/// Every expectation below is computed by hand from those paths.
/// </summary>
public sealed class ReportTests : IAsyncLifetime
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe(new() { ["Donations:Currencies:0"] = "usd", ["Donations:Currencies:1"] = "eur" });
    private readonly ReportJourneys _journeys;

    public ReportTests() => _journeys = new(_app);

    public async Task InitializeAsync()
    {
        var v1 = await _journeys.LandAsync("?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_30s");
        await _journeys.EventsAsync(v1, """{"event":"ViewContent","properties":{"content":"trailer_30s"}}""",
            """{"event":"VideoProgress","properties":{"content":"trailer_30s","percent":25}}""",
            """{"event":"VideoProgress","properties":{"content":"trailer_30s","percent":50}}""");
        await _journeys.TouchAsync(v1, "?utm_source=email&utm_medium=newsletter&utm_campaign=dec");
        await _journeys.DonateAsync(v1, "cs_v1", 25, "usd");

        var v2 = await _journeys.LandAsync("?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_60s");
        await _journeys.EventsAsync(v2, """{"event":"VideoStart","properties":{"content":"trailer_60s"}}""",
            """{"event":"VideoProgress","properties":{"content":"trailer_60s","percent":25}}""");
        await _journeys.DonateAsync(v2, "cs_v2", 40, "usd");

        var v3 = await _journeys.LandAsync("?utm_source=google&utm_medium=cpc&utm_campaign=spring");
        await _journeys.TouchAsync(v3, "?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_30s");
        await _journeys.EventsAsync(v3, """{"event":"ViewContent","properties":{"content":"trailer_30s"}}""");
        await _journeys.TouchAsync(v3, "?utm_source=email&utm_medium=newsletter&utm_campaign=dec");
        await _journeys.DonateAsync(v3, "cs_v3", 30, "eur");

        var v4 = await _journeys.LandAsync("");
        await _journeys.DonateAsync(v4, "cs_v4", 10, "usd");

        var v5 = await _journeys.LandAsync("?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_30s");
        await _journeys.CheckoutAsync(v5, 50, "usd");
        await ExpireAsync(v5);
        await _journeys.WebhookAsync(v5, "cs_v5", 50, "usd");
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("first_touch", "(unattributed):2:USD=60", "winter:2:USD=65", "spring:1:EUR=30")]
    [InlineData("last_touch", "(unattributed):2:USD=60", "dec:2:EUR=30,USD=25", "winter:1:USD=40")]
    [InlineData("linear", "(unattributed):2:USD=60", "winter:1.8333:EUR=10,USD=52.5", "dec:0.8333:EUR=10,USD=12.5", "spring:0.3333:EUR=10")]
    [InlineData("position_based", "(unattributed):2:USD=60", "winter:1.7:EUR=6,USD=52.5", "dec:0.9:EUR=12,USD=12.5", "spring:0.4:EUR=12")]
    public async Task Attribution_by_campaign_matches_hand_computed_credit(string model, params string[] expected)
    {
        var report = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?model={model}&groupBy=campaign&{_journeys.Range}");

        Assert.Equal(expected, ReportJourneys.Rows(report));
        Assert.Equal(5, report.GetProperty("totals").GetProperty("donations").GetInt32());
        Assert.Equal(125m, report.GetProperty("totals").GetProperty("revenue").GetProperty("usd").GetDecimal());
        Assert.Equal(30m, report.GetProperty("totals").GetProperty("revenue").GetProperty("eur").GetDecimal());
        var shares = report.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("share").GetDouble());
        Assert.InRange(shares, 0.999, 1.001);
    }

    [Fact]
    public async Task Attribution_by_content_and_source_uses_the_touch_fields()
    {
        var byContent = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?model=first_touch&groupBy=content&{_journeys.Range}");
        var bySource = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?model=last_touch&groupBy=source&{_journeys.Range}");

        Assert.Equal(["(unattributed):2:USD=60", "(none):1:EUR=30", "trailer_30s:1:USD=25", "trailer_60s:1:USD=40"], ReportJourneys.Rows(byContent));
        Assert.Equal(["(unattributed):2:USD=60", "email:2:EUR=30,USD=25", "facebook:1:USD=40"], ReportJourneys.Rows(bySource));
    }

    [Fact]
    public async Task Attribution_by_platform_gives_each_donation_wholly_to_the_platform_of_its_last_touch()
    {
        // Only V2's last touch is an ad platform's (facebook); V1 and V3 came back from an e-mail, V4 was direct and
        // V5's session expired with nothing in its checkout to name one.
        foreach (var model in new[] { "first_touch", "last_touch", "linear" })
        {
            var report = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?model={model}&groupBy=platform&{_journeys.Range}");

            Assert.Equal(["other:4:EUR=30,USD=85", "meta:1:USD=40"], ReportJourneys.Rows(report));
            Assert.Equal("platform", report.GetProperty("groupBy").GetString());
        }
    }

    [Fact]
    public async Task The_funnel_counts_each_step_once_per_session()
    {
        var funnel = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?{_journeys.Range}");
        var winter = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?utmCampaign=winter&{_journeys.Range}");

        Assert.Equal(["sessions=5", "content_views=3", "video_25=2", "video_50=1", "video_75=0", "video_95=0", "checkouts=5", "donations=5"], Steps(funnel));
        Assert.Equal(0.6, funnel.GetProperty("steps")[1].GetProperty("rate").GetDouble());
        // Facts are credited to the last touch when they happened: V3 viewed after its winter touch, V1 and V3 checked out after e-mail.
        Assert.Equal(["sessions=3", "content_views=3", "video_25=2", "video_50=1", "video_75=0", "video_95=0", "checkouts=2", "donations=1"], Steps(winter));
        Assert.True(funnel.GetProperty("medianTimeToConversionMs").GetInt64() > 0);
        var daily = funnel.GetProperty("daily").EnumerateArray().ToList();
        Assert.Equal(5, daily.Sum(d => d.GetProperty("donations").GetInt32()));
    }

    [Fact]
    public async Task Reports_are_unchanged_after_every_session_expires()
    {
        var before = await Snapshot();
        foreach (var key in RedisServer.Shared.Keys(_app.Database, SessionKeys.AllSessionsPattern).ToList())
        {
            await _app.Db.KeyDeleteAsync(key);
        }

        Assert.Empty(RedisServer.Shared.Keys(_app.Database, Keys.Session("*")));
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Reports_answer_csv_for_spreadsheets()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/reports/attribution?model=last_touch&groupBy=campaign&{_journeys.Range}");
        request.Headers.Accept.ParseAdd("text/csv");

        var response = await _journeys.Ops.SendAsync(request);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("key,donations,share,revenue_eur,revenue_usd,refunded_eur,refunded_usd,net_eur,net_usd", lines[0]);
        Assert.Equal("(unattributed),2,0.4,0,60,0,0,0,60", lines[1]);
        Assert.Equal("dec,2,0.4,30,25,0,0,30,25", lines[2]);
    }

    [Theory]
    [InlineData("/reports/attribution?model=u_shaped", "model")]
    [InlineData("/reports/attribution?model=1", "model")]
    [InlineData("/reports/attribution?model=FirstTouch", "model")]
    [InlineData("/reports/attribution?groupBy=0", "groupBy")]
    [InlineData("/reports/attribution?groupBy=ad", "groupBy")]
    [InlineData("/reports/attribution?from=2026-13-01", "from")]
    [InlineData("/reports/funnel?from=2026-02-01&to=2026-01-01", "to")]
    [InlineData("/reports/funnel?from=2024-01-01&to=2026-01-01", "to")]
    [InlineData("/reports/funnel?to=yesterday", "to")]
    public async Task Bad_report_parameters_are_400_problems(string url, string field)
    {
        var response = await _journeys.Ops.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_stored_conversion_that_cannot_be_read_is_reported_and_logged_never_silently_dropped()
    {
        var day = _app.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await _app.Db.HashSetAsync(Tracking.Storage.Keys.Conversions(Tracking.Storage.Partitions.Tags[0], day), "cs_broken", "{\"amount\":\"not a number\"");
        _app.ExpectErrors("Tracking.Reports.ReportStore", "one conversion record is corrupted on purpose");

        var attribution = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?{_journeys.Range}");
        var funnel = await _journeys.Ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?{_journeys.Range}");

        Assert.Equal(5, attribution.GetProperty("totals").GetProperty("donations").GetInt32());
        Assert.Equal(1, attribution.GetProperty("unreadableConversions").GetInt32());
        Assert.Equal(1, funnel.GetProperty("unreadableConversions").GetInt32());
        Assert.Contains(_app.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error && r.Message.Contains("cs_broken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reports_need_the_ops_key()
    {
        var response = await _app.CreateClient().GetAsync("/reports/funnel");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<string> Snapshot()
    {
        var parts = new List<string>();
        foreach (var model in new[] { "first_touch", "last_touch", "linear", "position_based" })
        {
            parts.Add(await _journeys.Ops.GetStringAsync($"/reports/attribution?model={model}&{_journeys.Range}"));
        }
        parts.Add(await _journeys.Ops.GetStringAsync($"/reports/attribution?groupBy=platform&{_journeys.Range}"));
        parts.Add(await _journeys.Ops.GetStringAsync($"/reports/funnel?{_journeys.Range}"));
        parts.Add(await _journeys.Ops.GetStringAsync($"/reports/funnel?utmCampaign=winter&{_journeys.Range}"));
        return string.Join("\n", parts);
    }

    private static string[] Steps(JsonElement funnel) => funnel.GetProperty("steps").EnumerateArray()
        .Select(s => $"{s.GetProperty("step").GetString()}={s.GetProperty("count").GetInt64()}").ToArray();

    private Task ExpireAsync(Walker v) => SessionKeys.ExpireAsync(_app.Db, v.SessionId);
}
