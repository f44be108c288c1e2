using System.Net;
using System.Net.Http.Json;
using System.Text;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>
/// A hostile page cannot make its visitors write: a <c>text/plain</c> POST needs no preflight, so the server itself
/// refuses writes whose Origin (or Referer) is not one of Tracking:AllowedOrigins (https://film.example here).
/// </summary>
public sealed class SiteOriginTests
{
    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Origin", "http://film.example")]
    [InlineData("Origin", "https://film.example:8443")]
    [InlineData("Origin", "https://film.example.evil.example")]
    [InlineData("Origin", "https://film.example@evil.example")]
    [InlineData("Origin", "https://film.example, https://evil.example")]
    [InlineData("Origin", "https://film.example/watch")]
    [InlineData("Referer", "https://evil.example/watch?next=https://film.example/")]
    [InlineData("Referer", "https://film.example.evil.example/watch")]
    [InlineData("Referer", "android-app://com.evil/")]
    [InlineData("Referer", "not a url")]
    public async Task A_write_from_another_site_is_refused_and_changes_nothing(string header, string value)
    {
        using var app = DeliveryApp.CreateWithStripe();
        var server = app.CreateClient(); // no Origin, no Referer: server to server
        var sid = (await server.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var keys = RedisServer.Shared.DatabaseSize(app.Database);
        var fields = await app.Db.HashLengthAsync(Keys.Session(sid));

        var hostile = app.Browser();
        hostile.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
        var writes = new (string Path, string Body)[]
        {
            ("/session", """{"url":"https://film.example/?utm_source=evil"}"""),
            ("/session", $$"""{"url":"https://film.example/?utm_source=evil","sessionId":"{{sid}}"}"""),
            ("/events", $$"""{"sessionId":"{{sid}}","event":"PageView","eventId":"forged"}"""),
            ("/checkout", $$"""{"sessionId":"{{sid}}","amount":25}"""),
        };
        foreach (var (path, body) in writes)
        {
            // text/plain: what a hostile page can send cross-origin without a preflight.
            var response = await hostile.PostAsync(path, new StringContent(body, Encoding.UTF8, "text/plain"));

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(header, (await response.ProblemAsync()).GetProperty("field").GetString());
        }

        Assert.Equal(keys, RedisServer.Shared.DatabaseSize(app.Database));
        Assert.Equal(fields, await app.Db.HashLengthAsync(Keys.Session(sid)));
        Assert.Equal(0, await app.Db.SortedSetLengthAsync(Keys.Events(sid)));
        Assert.Empty(app.Stub.LogEntries); // Stripe never asked for a Checkout Session
    }

    [Theory]
    [InlineData("Origin", "https://film.example")]
    [InlineData("Origin", "https://FILM.example")]
    [InlineData("Referer", "https://film.example/watch?utm_source=facebook")]
    [InlineData(null, null)]
    public async Task Writes_from_the_site_or_from_a_server_are_accepted(string? header, string? value)
    {
        using var app = DeliveryApp.CreateWithStripe();
        var client = app.Browser();
        if (header is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
        }

        var session = await client.PostAsync("/session", new StringContent("""{"url":"https://film.example/"}""", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        var sid = (await session.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("sessionId").GetString()!;
        var events = await client.PostAsync("/events", new StringContent($$"""{"sessionId":"{{sid}}","event":"PageView"}""", Encoding.UTF8, "text/plain"));
        var checkout = await client.PostAsync("/checkout", new StringContent($$"""{"sessionId":"{{sid}}","amount":25}""", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.Accepted, events.StatusCode);
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        Assert.Equal(2, await app.Db.SortedSetLengthAsync(Keys.Events(sid))); // PageView, InitiateCheckout
    }

    [Fact]
    public async Task The_origin_decides_when_both_headers_are_sent()
    {
        using var app = new TrackingApp(isolated: true);
        var client = app.Browser();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Origin", "https://film.example");
        client.DefaultRequestHeaders.TryAddWithoutValidation("Referer", "https://evil.example/");

        var response = await client.PostJsonAsync("/session", """{"url":"https://film.example/"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task The_stripe_webhook_is_server_to_server_and_ignores_origins()
    {
        using var app = DeliveryApp.CreateWithStripe();
        var sid = (await app.CreateClient().NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var payload = StripeSigner.CheckoutEvent("evt_origin", "checkout.session.completed", "cs_origin", sid, "paid", 2500, "usd", app.Clock.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("Stripe-Signature", StripeSigner.Sign(payload, app.Clock.GetUtcNow()));
        request.Headers.Add("Origin", "https://evil.example");

        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await app.Db.HashExistsAsync(Keys.StripeLedger(sid), "evt:evt_origin"));
    }
}
