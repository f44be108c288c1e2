using System.Net;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>Every bad input class gets a 4xx problem+json naming the field, and nothing is written.</summary>
public sealed class BadInputTests(BadInputTests.Fixture app) : SharedAppTests<BadInputTests.Fixture>(app)
{
    public sealed class Fixture : TrackingApp;

    public static TheoryData<string, string, int, string> Cases => new()
    {
        { "/events", """{"sessionId":"SID","event":"PageView""", 400, "event" },
        { "/events", """{"sessionId":"SID","event":"PageView","timestamp":"yesterday"}""", 400, "timestamp" },
        { "/events", """{"sessionId":"SID","event":42}""", 400, "event" },
        { "/events", """{"sessionId":"SID"}""", 400, "event" },
        { "/events", """{"event":"PageView"}""", 400, "sessionId" },
        { "/events", """{"sessionId":"SID","event":"PageView","unknown":1}""", 400, "unknown" },
        { "/events", """{"sessionId":"SID","event":"Page<script>"}""", 400, "event" },
        { "/events", """{"sessionId":"{SID}","event":"PageView"}""", 400, "sessionId" },
        { "/events", """{"sessionId":"SID","event":"PageView","eventId":"a b"}""", 400, "eventId" },
        { "/events", """{"sessionId":"SID","event":"PageView","url":"javascript:alert(1)"}""", 400, "url" },
        { "/events", """{"sessionId":"SID","event":"PageView","properties":{"nested":{"a":1}}}""", 400, "properties.nested" },
        { "/events", """{"sessionId":"SID","event":"VideoProgress","properties":{"content":"trailer","percent":33}}""", 400, "properties.percent" },
        { "/events", """{"sessionId":"SID","event":"VideoProgress","properties":{"percent":25}}""", 400, "properties.content" },
        { "/events", """{"sessionId":"SID","events":[]}""", 400, "events" },
        { "/events", """{"sessionId":"SID","events":[{"event":"PageView"},{"event":""}]}""", 400, "events[1].event" },
        { "/events", """[1,2,3]""", 400, "body" },
        { "/events", """null""", 400, "body" },
        { "/session", """{"referrer":"https://x.example"}""", 400, "url" },
        { "/session", """{"url":"ftp://film.example/"}""", 400, "url" },
        { "/session", """{"url":"https://film.example/","consent":{"analytics":"yes"}}""", 400, "consent.analytics" },
        { "/session", """{"url":"https://film.example/","visitorId":"short"}""", 400, "visitorId" },
        { "/session", """{"url":"https://film.example/","utm":"facebook"}""", 400, "utm" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_problem_naming_the_field_and_writes_nothing(string path, string body, int status, string field)
    {
        var client = App.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var before = await App.Db.HashLengthAsync(Keys.Session(id));

        var response = await client.PostJsonAsync(path, body.Replace("SID", id, StringComparison.Ordinal));

        Assert.Equal(status, (int)response.StatusCode);
        var problem = await response.ProblemAsync();
        var named = problem.TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().Select(e => e.Name).ToArray()
            : [problem.GetProperty("field").GetString()!];
        Assert.Contains(field, named);
        Assert.False(await App.Db.KeyExistsAsync(Keys.Events(id)));
        Assert.Equal(before, await App.Db.HashLengthAsync(Keys.Session(id)));
    }

    [Fact]
    public async Task Too_many_events_in_a_batch_is_refused()
    {
        var client = App.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var events = string.Join(",", Enumerable.Range(0, 51).Select(_ => """{"event":"PageView"}"""));

        var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","events":[{{{events}}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty("events", out _));
        Assert.False(await App.Db.KeyExistsAsync(Keys.Events(id)));
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_problem()
    {
        var client = App.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var huge = new string('x', 70 * 1024);

        var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView","properties":{"note":"{{{huge}}}"}}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body", (await response.ProblemAsync()).GetProperty("field").GetString());
        Assert.False(await App.Db.KeyExistsAsync(Keys.Events(id)));
    }

    [Fact]
    public async Task An_unmapped_route_is_a_problem_not_an_empty_404()
    {
        var response = await App.CreateClient().GetAsync("/nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await response.ProblemAsync();
    }
}
