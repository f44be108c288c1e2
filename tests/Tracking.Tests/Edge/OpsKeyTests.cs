using System.Net;
using Tracking.Tests.Support;

namespace Tracking.Tests.Edge;

/// <summary>The ops endpoints take the configured key as a bearer token, and do not exist without one.</summary>
public sealed class OpsKeyTests(OpsKeyTests.Fixture app) : SharedAppTests<OpsKeyTests.Fixture>(app)
{
    public sealed class Fixture() : TrackingApp(new() { ["Ops:ApiKey"] = OpsKey.Value });

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key")]
    [InlineData(OpsKey.Value)]
    public async Task Ops_endpoints_refuse_a_missing_or_wrong_key(string? authorization)
    {
        var client = App.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var list = await client.GetAsync("/ops/deliveries?state=dead");
        var replay = await client.PostAsync("/ops/deliveries/replay", null);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        await list.ProblemAsync();
    }

    [Fact]
    public async Task Ops_endpoints_are_disabled_without_a_configured_key()
    {
        using var app = new TrackingApp();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("Authorization", "Bearer ");

        var response = await client.GetAsync("/ops/deliveries?state=dead");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
