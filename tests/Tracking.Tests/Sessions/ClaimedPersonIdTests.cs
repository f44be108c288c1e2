using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>
/// The browser's <c>posthogDistinctId</c> is a claim. An id in the service's own namespaces (<c>email:{sha256}</c>,
/// which anyone can compute for anyone) would write into that person and let the claimant's erasure delete them, so it
/// is refused, in any spelling, on a new session and on a touch, and nothing is written.
/// </summary>
public sealed class ClaimedPersonIdTests : IDisposable
{
    private static readonly string VictimHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("victim@example.com"u8.ToArray()));
    private readonly TrackingApp _app = new(isolated: true);

    public void Dispose() => _app.Dispose();

    public static TheoryData<string> OwnIds => new()
    {
        "email:" + VictimHash,
        "EMAIL:" + VictimHash,
        "Email:" + VictimHash.ToUpperInvariant(),
        "  email:" + VictimHash,
        "email:",
    };

    private static async Task AssertRefusedNamingTheFieldAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("posthogDistinctId", out _), errors.GetRawText());
    }

    [Theory]
    [MemberData(nameof(OwnIds))]
    public async Task A_new_session_claiming_an_id_in_the_services_own_namespace_is_400_naming_it_and_writes_nothing(string claimed)
    {
        var before = await RedisSnapshot.TakeAsync(_app);

        var response = await _app.Browser().PostAsJsonAsync("/session", new { url = "https://film.example/watch", posthogDistinctId = claimed });

        await AssertRefusedNamingTheFieldAsync(response);
        Assert.Equal(before, await RedisSnapshot.TakeAsync(_app));
    }

    [Fact]
    public async Task A_touch_claiming_the_services_own_id_is_400_and_leaves_the_session_as_it_was()
    {
        var client = _app.Browser();
        var created = await client.NewSessionAsync(extra: new { posthogDistinctId = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b" });
        var sid = created.GetProperty("sessionId").GetString()!;
        var before = await RedisSnapshot.TakeAsync(_app);

        var response = await client.PostAsJsonAsync("/session", new
        {
            url = "https://film.example/watch", sessionId = sid, visitorId = created.GetProperty("visitorId").GetString(), posthogDistinctId = "email:" + VictimHash,
        });

        await AssertRefusedNamingTheFieldAsync(response);
        Assert.Equal(before, await RedisSnapshot.TakeAsync(_app));
        Assert.Equal("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), SessionField.PosthogDistinctId));
    }

    [Theory]
    [InlineData("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")]
    [InlineData("user-email:42")]
    [InlineData("emails-list")]
    public async Task Ids_outside_the_services_namespaces_are_kept_as_claimed(string claimed)
    {
        var sid = (await _app.Browser().NewSessionAsync(extra: new { posthogDistinctId = claimed })).GetProperty("sessionId").GetString()!;

        Assert.Equal(claimed, (string?)await _app.Db.HashGetAsync(Keys.Session(sid), SessionField.PosthogDistinctId));
    }
}
