using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Delivery;

/// <summary>A revoked Meta token or PostHog key is seen (health, error log) and cannot grow the outbox for ever.</summary>
public sealed class RevokedKeyTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create(new() { ["PostHog:MaxAge"] = "2.00:00:00" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_refused_key_shows_as_unauthorized_keeps_events_while_young_and_dead_letters_them_past_the_limit()
    {
        _app.ExpectErrors("Tracking.Delivery.DestinationHealth", "both destinations refuse our credentials on purpose");
        _app.ExpectDeadLetters("events outlive the destinations' age limits while the keys are revoked");
        _app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost()).AtPriority(100).RespondWith(Response.Create().WithStatusCode(400)
            .WithBodyAsJson(new { error = new { message = "Error validating access token: The session has been invalidated", type = "OAuthException", code = 190, fbtrace_id = "x" } }));
        _app.Stub.Given(Request.Create().WithPath(DeliveryApp.PostHogPath).UsingPost()).AtPriority(100).RespondWith(Response.Create().WithStatusCode(401));
        var client = _app.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{id}}","event":"PageView","eventId":"pv1"}""")).StatusCode);

        await _app.RunRoundsAsync(3);

        var health = await _app.Ops().GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("unauthorized", health.GetProperty("destinations").GetProperty("meta").GetString());
        Assert.Equal("unauthorized", health.GetProperty("destinations").GetProperty("posthog").GetString());
        Assert.Equal(2, health.GetProperty("outboxDepth").GetInt64()); // kept: a key can be fixed
        Assert.Single(_app.Logs.GetSnapshot(), r => r.Category == "Tracking.Delivery.DestinationHealth" && r.Message.StartsWith("meta", StringComparison.Ordinal));

        // Past PostHog:MaxAge (2 days) the PostHog entry is dead; past Meta's 7-day limit the Meta one too.
        _app.Clock.Advance(TimeSpan.FromDays(3));
        await _app.RunRoundsAsync();
        var store = _app.Services.GetRequiredService<OutboxStore>();
        Assert.Equal("posthog", OutboxId.DestinationOf(Assert.Single(await store.ListAsync(DeliveryState.Dead, 10)).Id));
        _app.Clock.Advance(TimeSpan.FromDays(5));
        await _app.RunRoundsAsync();

        Assert.Equal(0, (await store.DepthAsync()).Depth);
        Assert.Equal(2, (await store.ListAsync(DeliveryState.Dead, 10)).Count);
    }

    [Fact]
    public async Task A_fixed_key_turns_the_destination_back_to_ok()
    {
        _app.ExpectErrors("Tracking.Delivery.DestinationHealth", "PostHog refuses our key on purpose first");
        _app.StubMetaOk();
        var refused = Guid.NewGuid();
        _app.Stub.Given(Request.Create().WithPath(DeliveryApp.PostHogPath).UsingPost()).WithGuid(refused).AtPriority(1).RespondWith(Response.Create().WithStatusCode(403));
        _app.StubPostHogOk();
        var client = _app.Browser();
        var id = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{id}}","event":"PageView","eventId":"pv1"}""");
        await _app.RunRoundsAsync();
        Assert.Equal("unauthorized", (await _app.Ops().GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("destinations").GetProperty("posthog").GetString());

        _app.Stub.DeleteMapping(refused);
        await _app.RunRoundsAsync(2);

        var destinations = (await _app.Ops().GetFromJsonAsync<JsonElement>("/health/ready")).GetProperty("destinations");
        Assert.Equal("ok", destinations.GetProperty("posthog").GetString());
        Assert.Equal("ok", destinations.GetProperty("meta").GetString());
        Assert.Single(_app.PostHogEventsDelivered());
    }
}
