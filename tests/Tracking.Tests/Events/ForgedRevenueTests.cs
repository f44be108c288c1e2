using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>
/// Revenue comes only from the server: a browser cannot post the names Meta and PostHog receive for server events
/// (or give our events), and its money properties never leave the service. Each attack: the refusal, nothing stored,
/// nothing forwarded — then a legitimate event through the same app, to show the pipeline would have forwarded.
/// </summary>
public sealed class ForgedRevenueTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create(new() { ["Meta:CustomEvents:0"] = "ButtonClick" });

    public ForgedRevenueTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private async Task<(HttpClient Client, string Id)> SessionAsync()
    {
        var client = _app.Browser();
        return (client, (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!);
    }

    [Theory]
    [InlineData("Donation Completed")]
    [InlineData("donation_completed")]
    [InlineData("DONATION COMPLETED")]
    [InlineData("Donation-Completed")]
    [InlineData("donationcompleted")]
    [InlineData("Checkout Started")]
    [InlineData("checkout_started")]
    [InlineData("Purchase")]
    [InlineData("PURCHASE")]
    [InlineData("initiate_checkout")]
    [InlineData("DonationFailed")]
    [InlineData("Checkout-Expired")]
    [InlineData("Content Viewed")]
    [InlineData("Video Progress")]
    [InlineData("video_progress")]
    [InlineData("$pageview")]
    [InlineData("$identify")]
    [InlineData("$set")]
    public async Task A_browser_event_with_a_server_or_destination_name_is_403_stored_nowhere_and_sent_nowhere(string name)
    {
        var (client, id) = await SessionAsync();
        await _app.RunRoundsAsync();
        var before = await RedisSnapshot.TakeAsync(_app);
        var forged = JsonSerializer.Serialize(name);

        var single = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":{{{forged}}},"properties":{"value":777,"currency":"usd"}}""");
        var batch = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","events":[{"event":"PageView"},{"event":{{{forged}}},"properties":{"value":777}}]}""");

        Assert.Equal(HttpStatusCode.Forbidden, single.StatusCode);
        Assert.Equal("event", (await single.ProblemAsync()).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, batch.StatusCode);
        Assert.Equal("events[1].event", (await batch.ProblemAsync()).GetProperty("field").GetString());
        Assert.Equal(before, await RedisSnapshot.TakeAsync(_app));
        await _app.RunRoundsAsync();
        Assert.Empty(_app.Calls(DeliveryApp.MetaPath));
        Assert.Empty(_app.Calls(DeliveryApp.PostHogPath));

        // The same session's legitimate event goes through: the refusal above is not a dead pipeline.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView"}""")).StatusCode);
        await _app.RunRoundsAsync();
        Assert.Equal(["$pageview"], _app.PostHogEventsDelivered().Select(e => e.GetProperty("event").GetString()));
        Assert.Equal(["PageView"], _app.MetaEventsDelivered().Select(e => e.GetProperty("event_name").GetString()));
    }

    [Fact]
    public async Task Money_and_dollar_properties_from_the_browser_never_reach_meta_or_posthog()
    {
        var (client, id) = await SessionAsync();

        var response = await client.PostJsonAsync("/events", $$$"""
            {"sessionId":"{{{id}}}","events":[
              {"event":"ButtonClick","eventId":"b1","properties":{"element":"cta","value":777,"currency":"usd","revenue":777,"Value":1,"REVENUE":2,"Currency":"eur"}},
              {"event":"ViewContent","eventId":"v1","properties":{"content":"trailer_30s","value":777,"currency":"usd"}}]}
            """);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _app.RunRoundsAsync();
        var posthog = _app.PostHogEventsDelivered();
        Assert.Equal(2, posthog.Count);
        foreach (var e in posthog)
        {
            var keys = e.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
            Assert.DoesNotContain(keys, k => k.ToLowerInvariant() is "value" or "currency" or "revenue");
        }
        var click = posthog.Single(e => e.GetProperty("event").GetString() == "ButtonClick");
        Assert.Equal("cta", click.GetProperty("properties").GetProperty("element").GetString());
        var meta = _app.MetaEventsDelivered();
        Assert.Equal(["ButtonClick", "ViewContent"], meta.Select(e => e.GetProperty("event_name").GetString()).Order(StringComparer.Ordinal));
        foreach (var e in meta)
        {
            Assert.False(e.TryGetProperty("custom_data", out var custom) && (custom.TryGetProperty("value", out _) || custom.TryGetProperty("currency", out _)),
                $"Meta got browser money in {e}");
        }
        // Stored as the browser sent them (the session's own record; nothing that counts money reads it).
        var stored = (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(id))).Select(m => JsonDocument.Parse(m.ToString()).RootElement).ToList();
        Assert.Equal(777, stored.Single(e => e.GetProperty("event").GetString() == "ButtonClick").GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task The_journey_names_themselves_are_still_accepted()
    {
        var (client, id) = await SessionAsync();

        var response = await client.PostJsonAsync("/events", $$$"""
            {"sessionId":"{{{id}}}","events":[{"event":"PageView"},{"event":"ViewContent","properties":{"content":"t"}},
              {"event":"VideoStart","properties":{"content":"t"}},{"event":"VideoProgress","properties":{"content":"t","percent":25}},
              {"event":"Donation Completed Page Shown"}]}
            """);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(5, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
    }
}
