using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Storage;

/// <summary>Every durable key has a bounded life.</summary>
public sealed class RetentionTests
{
    // The outbox queue itself: its entries are bounded by each destination's max age (then sent, dropped or dead).
    private static bool IsQueue(string key) => KeyFamily.Tag(key) is { } tag
        && (key == Keys.OutboxDue(tag) || key == Keys.OutboxItems(tag) || key == Keys.OutboxTries(tag));

    // The HMAC keys hold no visitor data and must outlive every id made under them.
    private static bool IsSecret(string key) => key is Keys.SessionIdSecret or Keys.VisitorIdSecret;

    private static readonly string Outbox = KeyFamily.Prefix(Keys.OutboxDue(""));
    private static readonly string Conversions = KeyFamily.Prefix(Keys.Conversions("", ""));
    private static readonly string Aggregates = KeyFamily.Prefix(Keys.Aggregate("", ""));

    [Fact]
    public async Task After_a_journey_with_a_donation_and_a_dead_letter_every_key_but_the_queue_has_a_ttl_and_old_dead_letters_go()
    {
        using var app = DeliveryApp.CreateWithStripe(new() { ["Reports:RetentionDays"] = "500", ["Delivery:DeadLetterRetentionDays"] = "30" });
        app.ExpectDeadLetters("Meta refuses the events for their content, so they are dead-lettered and their retention can be checked");
        app.Stub.Given(Request.Create().WithPath(DeliveryApp.MetaPath).UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(400).WithBodyAsJson(new { error = new { message = "Invalid parameter", type = "OAuthException", code = 100, error_subcode = 2804003 } }));
        app.StubPostHogOk();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        var now = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        (await client.PostJsonAsync("/events", $$$"""{"sessionId":"{{{sid}}}","events":[{"event":"ViewContent","timestamp":{{{now}}},"properties":{"content":"trailer_30s"}},{"event":"VideoProgress","timestamp":{{{now}}},"properties":{"content":"trailer_30s","percent":50}}]}""")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(StripeMetadata.EchoingMetadata(app, "evt_paid", "checkout.session.completed", sid, "donor@example.com"))).StatusCode);
        await app.RunRoundsAsync(2);
        var store = app.Services.GetRequiredService<OutboxStore>();
        Assert.NotEmpty(await store.ListAsync(DeliveryState.Dead, 100));

        var keys = RedisServer.Shared.Keys(app.Database, "*").Select(k => k.ToString()).ToList(); // every master, on a cluster
        Assert.Contains(keys, k => k.StartsWith(Conversions, StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith(Aggregates, StringComparison.Ordinal));
        Assert.Contains(keys, k => KeyFamily.Tag(k) is { } tag && k == Keys.OutboxDead(tag));
        foreach (var key in keys.Where(k => !IsQueue(k) && !IsSecret(k)))
        {
            var ttl = await app.Db.KeyTimeToLiveAsync(key);
            Assert.True(ttl is not null, $"{key} has no TTL");
            if (key.StartsWith(Aggregates, StringComparison.Ordinal) || key.StartsWith(Conversions, StringComparison.Ordinal))
            {
                Assert.InRange(ttl!.Value, TimeSpan.FromDays(500), TimeSpan.FromDays(502));
            }
            if (key.StartsWith(Outbox, StringComparison.Ordinal))
            {
                Assert.InRange(ttl!.Value, TimeSpan.FromDays(29), TimeSpan.FromDays(30));
            }
        }

        Assert.Equal(0, await app.Worker.PurgeDeadLettersAsync());
        app.Clock.Advance(TimeSpan.FromDays(31));
        Assert.True(await app.Worker.PurgeDeadLettersAsync() > 0);
        Assert.Empty(await store.ListAsync(DeliveryState.Dead, 100));
    }
}
