using System.Net;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Delivery;

/// <summary>The exact JSON Meta and PostHog receive for the journey's events.</summary>
public sealed class MappingTests : IDisposable
{
    // The country header counts only from a trusted proxy: the Meta test arrives through this one.
    private const string Proxy = "10.0.0.1";

    private readonly DeliveryApp _app = DeliveryApp.Create(new() { ["Tracking:TrustedProxies:0"] = Proxy });

    public void Dispose() => _app.Dispose();

    // Known SHA-256 values, computed independently (echo -n us | sha256sum).
    private const string Sha256Us = "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621";

    [Fact]
    public async Task Meta_receives_a_server_event_with_hashed_user_data_and_fbc_from_first_seen_time()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var client = _app.Browser().FromPeer(Proxy);
        var landedAt = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var created = await client.NewSessionAsync(url: "https://film.example/watch?utm_source=facebook&utm_campaign=winter&fbclid=IwAR1234AbCd", extra: new { fbp = "fb.1.1700000000000.1234567890" });
        var id = created.GetProperty("sessionId").GetString()!;
        var visitor = created.GetProperty("visitorId").GetString()!;
        _app.Clock.Advance(TimeSpan.FromMinutes(3));
        var viewedAt = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        var response = await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"ViewContent","eventId":"pixel-evt-1","url":"https://film.example/watch","properties":{"content":"trailer_30s"}}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _app.RunRoundsAsync();

        var request = JsonDocument.Parse(_app.Calls(DeliveryApp.MetaPath).Single().RequestMessage.Body!).RootElement;
        Assert.Equal("meta-secret-token", request.GetProperty("access_token").GetString());
        var sent = request.GetProperty("data").EnumerateArray().Single();
        var expected = $$$"""
            {"event_name":"ViewContent","event_time":{{{viewedAt / 1000}}},"event_id":"pixel-evt-1","action_source":"website",
             "event_source_url":"https://film.example/watch",
             "user_data":{"client_user_agent":"{{{ApiCalls.IphoneSafari}}}","fbp":"fb.1.1700000000000.1234567890",
               "fbc":"fb.1.{{{landedAt}}}.IwAR1234AbCd","external_id":["{{{Sha256(visitor.ToLowerInvariant())}}}"],"country":["{{{Sha256Us}}}"]},
             "custom_data":{"content_ids":["trailer_30s"],"content_name":"trailer_30s"}}
            """;
        var actual = sent.Clone();
        // The test host has no socket address; everything else is compared exactly.
        Assert.Equal(Normalize(expected), Normalize(WithoutIp(actual)));
    }

    [Fact]
    public async Task PostHog_receives_a_batch_with_stable_uuids_and_attribution_person_properties()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var client = _app.Browser();
        var created = await client.NewSessionAsync(url: "https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_30s");
        var id = created.GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/session", $$$"""{"url":"https://film.example/?utm_source=email&utm_campaign=dec","sessionId":"{{{id}}}"}""");

        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","events":[{"event":"PageView","eventId":"pv1","url":"https://film.example/watch"},{"event":"VideoProgress","eventId":"vp1","properties":{"content":"trailer_30s","percent":50}}]}""");
        await _app.RunRoundsAsync();

        var request = JsonDocument.Parse(_app.Calls(DeliveryApp.PostHogPath).Single().RequestMessage.Body!).RootElement;
        Assert.Equal("phc_test_key", request.GetProperty("api_key").GetString());
        var events = request.GetProperty("batch").EnumerateArray().OrderBy(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal(["$pageview", "Video Progress"], events.Select(e => e.GetProperty("event").GetString()!));
        var pageview = events[0];
        Assert.Equal(created.GetProperty("visitorId").GetString(), pageview.GetProperty("distinct_id").GetString());
        Assert.True(Guid.TryParse(pageview.GetProperty("uuid").GetString(), out _));
        Assert.EndsWith("+00:00", pageview.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        var props = pageview.GetProperty("properties");
        Assert.Equal("https://film.example/watch", props.GetProperty("$current_url").GetString());
        Assert.Equal("facebook", props.GetProperty("$set_once").GetProperty("$initial_utm_source").GetString());
        Assert.Equal("trailer_30s", props.GetProperty("$set_once").GetProperty("$initial_utm_content").GetString());
        Assert.Equal("email", props.GetProperty("$set").GetProperty("last_touch_source").GetString());
        Assert.Equal("dec", props.GetProperty("$set").GetProperty("last_touch_campaign").GetString());
        Assert.Equal(50, events[1].GetProperty("properties").GetProperty("percent").GetInt32());
        // Video progress is PostHog only.
        Assert.DoesNotContain(_app.MetaEventsDelivered(), e => e.GetProperty("event_id").GetString() == "vp1");
    }

    [Fact]
    public async Task A_retried_event_keeps_its_meta_event_id_and_posthog_uuid()
    {
        _app.ExpectDestinationFailures("both destinations answer 503 for two rounds so the event is retried");
        _app.StubMetaOk();
        _app.StubPostHogOk();
        var outage = Guid.NewGuid();
        _app.Stub.Given(WireMock.RequestBuilders.Request.Create().UsingPost()).WithGuid(outage).AtPriority(1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(503));
        var client = _app.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{id}}}","event":"PageView"}""");
        await _app.RunRoundsAsync(2);
        _app.Stub.DeleteMapping(outage);

        await _app.RunUntilAsync(() => _app.MetaEventsDelivered().Count > 0 && _app.PostHogEventsDelivered().Count > 0, "the event delivered to Meta and to PostHog after the outage");

        var metaIds = _app.Calls(DeliveryApp.MetaPath).SelectMany(c => JsonDocument.Parse(c.RequestMessage.Body!).RootElement.GetProperty("data").EnumerateArray()).Select(e => e.GetProperty("event_id").GetString()).Distinct().ToList();
        var uuids = _app.Calls(DeliveryApp.PostHogPath).SelectMany(c => JsonDocument.Parse(c.RequestMessage.Body!).RootElement.GetProperty("batch").EnumerateArray()).Select(e => e.GetProperty("uuid").GetString()).Distinct().ToList();
        Assert.True(_app.Calls(DeliveryApp.MetaPath).Count() >= 3, "sent during the outage and after it");
        Assert.Single(metaIds);
        Assert.Single(uuids);
        Assert.Single(_app.MetaEventsDelivered());
        Assert.Single(_app.PostHogEventsDelivered());
    }

    private static string Sha256(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    private static JsonElement WithoutIp(JsonElement e)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())!;
        node["user_data"]!.AsObject().Remove("client_ip_address");
        return JsonDocument.Parse(node.ToJsonString()).RootElement;
    }

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private static string Normalize(JsonElement e) => JsonSerializer.Serialize(e);
}
