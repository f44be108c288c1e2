using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

public sealed class EventTests(EventTests.Fixture app) : SharedAppTests<EventTests.Fixture>(app)
{
    public sealed class Fixture : TrackingApp;

    private async Task<(HttpClient Client, string Id)> SessionAsync()
    {
        var client = App.Browser();
        return (client, (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!);
    }

    private async Task<string[]> StoredEventsAsync(string id) =>
        (await App.Db.SortedSetRangeByRankAsync(Keys.Events(id))).Select(v => v.ToString()).ToArray();

    [Fact]
    public async Task Events_are_kept_in_timestamp_order_with_the_seed_member_shape()
    {
        var (client, id) = await SessionAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"VideoProgress","timestamp":{{{now - 1000}}},"eventId":"e3","properties":{"content":"trailer_30s","percent":50}}""");
        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView","timestamp":{{{now - 3000}}},"eventId":"e1","url":"https://film.example/watch"}""");
        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"VideoStart","timestamp":{{{now - 2000}}},"eventId":"e2","properties":{"content":"trailer_30s"}}""");

        var stored = await StoredEventsAsync(id);
        Assert.Equal(
        [
            $$$"""{"event":"PageView","eventId":"e1","timestamp":{{{now - 3000}}},"url":"https://film.example/watch","page":"/watch"}""",
            $$$"""{"event":"VideoStart","eventId":"e2","timestamp":{{{now - 2000}}},"content":"trailer_30s"}""",
            $$$"""{"event":"VideoProgress","eventId":"e3","timestamp":{{{now - 1000}}},"content":"trailer_30s","percent":50}""",
        ], stored);
        var scores = await App.Db.SortedSetRangeByRankWithScoresAsync(Keys.Events(id));
        Assert.Equal(now - 3000, (long)scores[0].Score);
    }

    [Fact]
    public async Task The_same_event_id_twice_is_stored_once()
    {
        var (client, id) = await SessionAsync();
        var body = $$$"""{"sessionId":"{{{id}}}","event":"PageView","eventId":"pixel-abc-1"}""";

        var first = await (await client.PostJsonAsync("/events", body)).Content.ReadFromJsonAsync<JsonElement>();
        var second = await client.PostJsonAsync("/events", body);

        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var again = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("accepted").GetInt32());
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
        Assert.Single(await StoredEventsAsync(id));
    }

    [Fact]
    public async Task Each_video_milestone_is_recorded_once_and_completion_keeps_the_highest()
    {
        var (client, id) = await SessionAsync();
        string Progress(string content, int percent) => $$$"""{"event":"VideoProgress","properties":{"content":"{{{content}}}","percent":{{{percent}}}}}""";

        var response = await client.PostJsonAsync("/events", $$$"""
            {"sessionId":"{{{id}}}","events":[{{{Progress("trailer_30s", 25)}}},{{{Progress("trailer_30s", 50)}}},{{{Progress("trailer_30s", 25)}}},{{{Progress("main_film", 25)}}}]}
            """);
        var late = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}",{{{Progress("trailer_30s", 50)[1..^1]}}}}""");

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, body.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32());
        Assert.Equal(3, (await StoredEventsAsync(id)).Length);
        Assert.Equal("50", (string?)await App.Db.HashGetAsync(Keys.Session(id), "trailer_30s_completion"));
        Assert.Equal("25", (string?)await App.Db.HashGetAsync(Keys.Session(id), "main_film_completion"));
    }

    [Theory]
    [InlineData("Purchase")]
    [InlineData("InitiateCheckout")]
    [InlineData("purchase")]
    public async Task A_browser_cannot_forge_server_only_events(string name)
    {
        var (client, id) = await SessionAsync();

        var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","events":[{"event":"PageView"},{"event":"{{{name}}}","properties":{"value":1000}}]}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("events[1].event", (await response.ProblemAsync()).GetProperty("field").GetString());
        Assert.Empty(await StoredEventsAsync(id));
    }

    [Fact]
    public async Task A_timestamp_far_from_now_is_replaced_by_server_time()
    {
        var (client, id) = await SessionAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","events":[{"event":"PageView","timestamp":4102444800000},{"event":"ViewContent","timestamp":1000}]}""");

        var scores = await App.Db.SortedSetRangeByRankWithScoresAsync(Keys.Events(id));
        Assert.All(scores, s => Assert.InRange((long)s.Score, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1));
    }

    [Fact]
    public async Task Events_for_an_unknown_session_are_a_404_problem_and_write_nothing()
    {
        var response = await App.Browser().PostJsonAsync("/events", """{"sessionId":"AAAAAAAAAAAAAAAAAAAAAAAAAA","event":"PageView"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("sessionId", (await response.ProblemAsync()).GetProperty("field").GetString());
        Assert.False(await App.Db.KeyExistsAsync(Keys.Events("AAAAAAAAAAAAAAAAAAAAAAAAAA")));
    }
}
