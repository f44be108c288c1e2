using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>
/// Visitor ids are the service's: an id it did not issue counts as no id (a new visitor, never an error), so a client
/// can neither choose a visitor nor grow someone else's index; an id it issued is honoured on the next visit.
/// </summary>
public sealed class IssuedVisitorIdTests(IssuedVisitorIdTests.Fixture app) : SharedAppTests<IssuedVisitorIdTests.Fixture>(app)
{
    public sealed class Fixture() : TrackingApp(isolated: true);

    [Fact]
    public async Task A_visitor_id_the_client_chose_is_a_new_visitor_and_nothing_is_kept_under_it()
    {
        var chosen = "chosen-by-the-client-" + Guid.NewGuid().ToString("N")[..8];

        var response = await App.Browser().PostAsJsonAsync("/session", new { url = "https://film.example/", visitorId = chosen });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var visitor = body.GetProperty("visitorId").GetString()!;
        Assert.NotEqual(chosen, visitor);
        Assert.Equal("1", (string?)await App.Db.HashGetAsync(Keys.Session(body.GetProperty("sessionId").GetString()!), "session_count"));
        Assert.False(await App.Db.KeyExistsAsync(Keys.Visitor(chosen)));
        Assert.False(await App.Db.KeyExistsAsync(Keys.VisitorIndex(chosen)));
    }

    [Fact]
    public async Task An_issued_visitor_id_is_honoured_on_the_next_visit()
    {
        var client = App.Browser();
        var visitor = (await client.NewSessionAsync()).GetProperty("visitorId").GetString()!;

        var second = await client.NewSessionAsync(extra: new { visitorId = visitor });

        Assert.Equal(visitor, second.GetProperty("visitorId").GetString());
        Assert.Equal("2", (string?)await App.Db.HashGetAsync(Keys.Session(second.GetProperty("sessionId").GetString()!), "session_count"));
        Assert.Equal(2, await App.Db.SetLengthAsync(Keys.VisitorIndex(visitor)));
    }

    [Fact]
    public async Task An_altered_issued_id_and_one_issued_before_ids_were_signed_are_new_visitors()
    {
        var client = App.Browser();
        var issued = (await client.NewSessionAsync()).GetProperty("visitorId").GetString()!;
        var altered = (issued[0] == 'A' ? "B" : "A") + issued[1..];
        // The shape server-made ids had before they were signed: 128 random bits, then the 3-character slot suffix.
        var unsigned = new SlotSuffixes(3, 16384).Append(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16), Crc16.Slot(issued));

        foreach (var claimed in new[] { altered, unsigned })
        {
            var visitor = (await client.NewSessionAsync(extra: new { visitorId = claimed })).GetProperty("visitorId").GetString()!;

            Assert.NotEqual(claimed, visitor);
            Assert.NotEqual(issued, visitor);
            Assert.False(await App.Db.KeyExistsAsync(Keys.VisitorIndex(claimed)));
        }
        Assert.Equal(1, await App.Db.SetLengthAsync(Keys.VisitorIndex(issued)));
    }
}
