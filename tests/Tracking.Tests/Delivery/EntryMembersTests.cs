using System.Text.Json;
using System.Text.Json.Nodes;
using Tracking.Delivery;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Delivery;

/// <summary>
/// The members a script adds to an outbox entry (its visit, the consent in force) are added as data: the entry C# built
/// is kept as it was, to the byte of every forwarded property, and reads back as one <see cref="OutboxEntry"/>.
/// </summary>
public sealed class EntryMembersTests
{
    [Fact]
    public async Task A_stored_entry_keeps_the_properties_as_sent_and_gains_its_visit_and_consent_once()
    {
        using var app = DeliveryApp.Create();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(extra: new { consent = new { analytics = "granted", marketing = "denied" } })).GetProperty("sessionId").GetString()!;
        var now = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        const string properties = """{"precise":0.12345678901234567890123,"big":123456789012345678901234567890,"text":"é \u2028 \"q\" \\ </>","flag":true,"none":null}""";
        (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"ViewContent","eventId":"ev-members","timestamp":{{now}},"properties":{{properties}}}]}"""))
            .EnsureSuccessStatusCode();

        var stored = (string)(await app.Db.HashGetAsync(Keys.OutboxItems(Partitions.TagOf(sid)), sid + ":ev-members"))!;
        var entry = JsonNode.Parse(stored)!.AsObject();
        var sent = JsonNode.Parse(properties)!.AsObject();

        foreach (var (name, value) in sent)
        {
            Assert.Equal(value?.ToJsonString() ?? "null", entry["properties"]![name]?.ToJsonString() ?? "null");
        }
        Assert.Equal(1, entry.Count(m => m.Key == EntryMember.VisitStart));
        Assert.Equal(now, entry[EntryMember.VisitStart]!.GetValue<long>());
        Assert.Equal("denied", entry[EntryMember.ConsentMarketing]!.GetValue<string>());
        Assert.Equal("granted", entry[EntryMember.ConsentAnalytics]!.GetValue<string>());
        // Every member is one the reader knows: read and written again, the entry means the same.
        var read = JsonSerializer.Deserialize(stored, DeliveryJson.Default.OutboxEntry)!;
        Assert.True(JsonNode.DeepEquals(entry, JsonNode.Parse(JsonSerializer.Serialize(read, DeliveryJson.Default.OutboxEntry))));
    }
}
