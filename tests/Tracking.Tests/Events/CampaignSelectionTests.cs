using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>
/// CampaignCard → initializeCampaignSession(): the visitor picks a fundraising campaign; it travels from the session
/// through /checkout and Stripe's metadata to the Purchase (Meta custom_data, PostHog property) and the reports.
/// </summary>
public sealed class CampaignSelectionTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe();

    public CampaignSelectionTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private HttpClient Ops()
    {
        var ops = _app.CreateClient();
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        return ops;
    }

    private string Range => $"from={_app.Clock.GetUtcNow():yyyy-MM-dd}&to={_app.Clock.GetUtcNow().AddDays(1):yyyy-MM-dd}";

    private async Task<string> SelectAsync(HttpClient client, string sid, params string[] campaigns)
    {
        foreach (var campaign in campaigns)
        {
            var response = await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = "CampaignSelected", properties = new { campaign } });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        return (string)(await _app.Db.HashGetAsync(Keys.Session(sid), "selected_campaign"))!;
    }

    private async Task<(HttpClient Client, string Sid, string Visitor)> SessionAsync()
    {
        var client = _app.Browser();
        var created = await client.NewSessionAsync();
        return (client, created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
    }

    [Fact]
    public async Task The_latest_selection_is_the_sessions_and_is_stored_as_an_event()
    {
        var (client, sid, _) = await SessionAsync();

        Assert.Equal("festival-tour", await SelectAsync(client, sid, "finish-the-edit", "festival-tour"));

        var events = (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => JsonDocument.Parse(v.ToString()).RootElement).ToList();
        Assert.Equal(["finish-the-edit", "festival-tour"], events.Select(e => e.GetProperty("campaign").GetString()));
        Assert.All(events, e => Assert.Equal("CampaignSelected", e.GetProperty("event").GetString()));
    }

    [Theory]
    [InlineData("""{"sessionId":"SID","event":"CampaignSelected"}""")]
    [InlineData("""{"sessionId":"SID","event":"CampaignSelected","properties":{"campaign":"has spaces"}}""")]
    [InlineData("""{"sessionId":"SID","event":"CampaignSelected","properties":{"campaign":7}}""")]
    public async Task A_selection_without_a_campaign_id_is_a_problem_naming_it(string body)
    {
        var (client, sid, _) = await SessionAsync();

        var response = await client.PostJsonAsync("/events", body.Replace("SID", sid, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("properties.campaign", out _));
        Assert.False(await _app.Db.HashExistsAsync(Keys.Session(sid), "selected_campaign"));
    }

    [Fact]
    public async Task The_selected_campaign_goes_to_stripe_and_the_purchase_and_the_reports()
    {
        var (client, sid, visitor) = await SessionAsync();
        await SelectAsync(client, sid, "festival-tour");

        var created = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(_app.Calls(DeliveryApp.CheckoutPath).Single().RequestMessage.Body!);
        Assert.Equal("festival-tour", form["metadata[campaign]"]);

        // Stripe sends the metadata back with the payment.
        var paid = StripeSigner.CheckoutEvent("evt_1", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", _app.Clock.GetUtcNow(),
            "donor@example.com", visitor, extraMetadata: ""","campaign":"festival-tour" """);
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(paid)).StatusCode);
        await _app.RunRoundsAsync();

        var meta = _app.MetaEventsDelivered();
        Assert.Equal("festival-tour", meta.Single(e => e.GetProperty("event_name").GetString() == "Purchase").GetProperty("custom_data").GetProperty("campaign").GetString());
        Assert.Equal("festival-tour", meta.Single(e => e.GetProperty("event_name").GetString() == "InitiateCheckout").GetProperty("custom_data").GetProperty("campaign").GetString());
        var donation = _app.PostHogEventsDelivered().Single(e => e.GetProperty("event").GetString() == "Donation Completed");
        Assert.Equal("festival-tour", donation.GetProperty("properties").GetProperty("campaign").GetString());

        var ops = Ops();
        var report = await ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?groupBy=selected_campaign&{Range}");
        Assert.Equal("selected_campaign", report.GetProperty("groupBy").GetString());
        var row = Assert.Single(report.GetProperty("rows").EnumerateArray());
        Assert.Equal("festival-tour", row.GetProperty("key").GetString());
        Assert.Equal(25m, row.GetProperty("revenue").GetProperty("usd").GetDecimal());
        // The landing's utm campaign (winter) is a different thing: it still groups by touch.
        var byTouch = await ops.GetFromJsonAsync<JsonElement>($"/reports/attribution?groupBy=campaign&{Range}");
        Assert.Equal("winter", Assert.Single(byTouch.GetProperty("rows").EnumerateArray()).GetProperty("key").GetString());

        var funnel = await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?campaign=festival-tour&{Range}");
        Assert.Equal("sessions=1 content_views=0 video_25=0 video_50=0 video_75=0 video_95=0 checkouts=1 donations=1", Steps(funnel));
        var other = await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?campaign=finish-the-edit&{Range}");
        Assert.Equal("sessions=0 content_views=0 video_25=0 video_50=0 video_75=0 video_95=0 checkouts=0 donations=0", Steps(other));
        Assert.Equal("finish-the-edit", other.GetProperty("campaign").GetString());
    }

    private static string Steps(JsonElement funnel) => string.Join(' ',
        funnel.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("step").GetString()}={s.GetProperty("count").GetInt64()}"));

    private async Task EventsAsync(HttpClient client, string sid, params string[] events)
    {
        foreach (var e in events)
        {
            var body = $$"""{"sessionId":"{{sid}}",{{e[1..]}}""";
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", body)).StatusCode);
        }
    }

    private const string View = """{"event":"ViewContent","properties":{"content":"trailer"}}""";
    private const string Quarter = """{"event":"VideoProgress","properties":{"content":"trailer","percent":25}}""";

    [Fact]
    public async Task The_funnel_of_a_campaign_is_the_cohort_that_selected_it()
    {
        // a: watched, then picked festival-tour and donated to it. b: picked finish-the-edit, watched, switched to
        // festival-tour. c: picked festival-tour only. d: watched, never picked.
        var (a, sa, va) = await SessionAsync();
        await EventsAsync(a, sa, View, Quarter);
        await SelectAsync(a, sa, "festival-tour");
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync("/checkout", new { sessionId = sa, amount = 25 })).StatusCode);
        var paid = StripeSigner.CheckoutEvent("evt_a", "checkout.session.completed", "cs_test_a", sa, "paid", 2500, "usd", _app.Clock.GetUtcNow(),
            "donor@example.com", va, extraMetadata: ""","campaign":"festival-tour" """);
        Assert.Equal(HttpStatusCode.OK, (await _app.DeliverWebhookAsync(paid)).StatusCode);
        var (b, sb, _) = await SessionAsync();
        await SelectAsync(b, sb, "finish-the-edit");
        await EventsAsync(b, sb, View);
        await SelectAsync(b, sb, "festival-tour", "finish-the-edit"); // back again: not a second member of its cohort
        var (c, sc, _) = await SessionAsync();
        await SelectAsync(c, sc, "festival-tour");
        var (d, sd, _) = await SessionAsync();
        await EventsAsync(d, sd, View);

        var ops = Ops();
        Assert.Equal("sessions=3 content_views=2 video_25=1 video_50=0 video_75=0 video_95=0 checkouts=1 donations=1",
            Steps(await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?campaign=festival-tour&{Range}")));
        Assert.Equal("sessions=1 content_views=1 video_25=0 video_50=0 video_75=0 video_95=0 checkouts=0 donations=0",
            Steps(await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?campaign=finish-the-edit&{Range}")));
        // Unfiltered, the funnel is every session's.
        Assert.Equal("sessions=4 content_views=3 video_25=1 video_50=0 video_75=0 video_95=0 checkouts=1 donations=1",
            Steps(await ops.GetFromJsonAsync<JsonElement>($"/reports/funnel?{Range}")));
    }

    [Fact]
    public async Task A_page_inventing_campaign_ids_cannot_grow_the_cohort_counters_without_bound()
    {
        var (client, sid, _) = await SessionAsync();
        var ids = Enumerable.Range(0, 70).Select(i => $"junk-{i}").ToArray();

        await SelectAsync(client, sid, ids);
        await _app.CatchUpProjectionAsync();

        var key = Tracking.Storage.Keys.AggregateSelected(Tracking.Storage.Partitions.TagOf(sid), Tracking.Storage.Aggregates.Day(_app.Clock.GetUtcNow()));
        var fields = (await _app.Db.HashGetAllAsync(key)).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        Assert.Equal(64, fields["#n"]);
        Assert.Equal(6, fields["sessions|(other)"]);
        Assert.Equal(64 + 64 + 1 + 1, fields.Count); // 64 marked ids with a sessions counter each, #n, (other)
        var last = await Ops().GetFromJsonAsync<JsonElement>($"/reports/funnel?campaign=junk-69&{Range}");
        Assert.StartsWith("sessions=0 ", Steps(last));
    }

    [Fact]
    public async Task A_checkout_campaign_wins_over_the_sessions_selection()
    {
        var (client, sid, _) = await SessionAsync();
        await SelectAsync(client, sid, "festival-tour");

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, campaign = "finish-the-edit" })).StatusCode);

        var form = System.Web.HttpUtility.ParseQueryString(_app.Calls(DeliveryApp.CheckoutPath).Single().RequestMessage.Body!);
        Assert.Equal("finish-the-edit", form["metadata[campaign]"]);
    }

    [Fact]
    public async Task Bad_campaign_ids_are_problems_naming_the_field()
    {
        var (client, sid, _) = await SessionAsync();

        var checkout = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, campaign = "no spaces <b>" });
        var funnel = await Ops().GetAsync($"/reports/funnel?campaign=%3Cscript%3E&{Range}");
        var both = await Ops().GetAsync($"/reports/funnel?campaign=festival-tour&utmCampaign=winter&{Range}");
        var group = await Ops().GetAsync($"/reports/attribution?groupBy=selected&{Range}");

        Assert.True((await checkout.ProblemAsync()).GetProperty("errors").TryGetProperty("campaign", out _));
        Assert.Empty(_app.Calls(DeliveryApp.CheckoutPath));
        Assert.True((await funnel.ProblemAsync()).GetProperty("errors").TryGetProperty("campaign", out _));
        Assert.True((await both.ProblemAsync()).GetProperty("errors").TryGetProperty("utmCampaign", out _));
        Assert.True((await group.ProblemAsync()).GetProperty("errors").TryGetProperty("groupBy", out _));
    }
}
