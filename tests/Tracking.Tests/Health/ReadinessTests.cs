using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Health;

/// <summary>
/// <c>/health/ready</c> answers a probe its status only: destination credential state and the outbox backlog tell an
/// outsider which destination is broken and how much is queued, so they need the ops key.
/// </summary>
public sealed class ReadinessTests(ReadinessTests.Fixture app) : SharedAppTests<ReadinessTests.Fixture>(app)
{
    public sealed class Fixture() : TrackingApp(new() { ["Ops:ApiKey"] = OpsKey.Value });

    [Fact]
    public async Task An_anonymous_probe_learns_only_that_the_service_is_ready()
    {
        var response = await App.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["status"], body.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name));
        Assert.Equal("ready", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_ops_key_shows_destinations_and_outbox_depth()
    {
        var body = await App.Ops().GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.True(body.TryGetProperty("destinations", out _));
        Assert.True(body.TryGetProperty("outboxDepth", out _));
        Assert.True(body.TryGetProperty("redisLatencyMs", out _));
    }

    [Fact]
    public async Task A_wrong_key_gets_401_and_no_details()
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");
        client.DefaultRequestHeaders.Add("X-Test-Peer", "198.51.100.26");

        var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Authorization", (await response.ProblemAsync()).GetProperty("field").GetString());
    }
}
