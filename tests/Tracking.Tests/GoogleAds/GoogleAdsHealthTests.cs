using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static Tracking.Tests.GoogleAds.GoogleAdsJourney;

namespace Tracking.Tests.GoogleAds;

/// <summary>Google Ads in the operator's views, through <c>IDestination</c> like every destination.</summary>
public sealed class GoogleAdsHealthTests
{
    [Fact]
    public async Task A_key_the_token_endpoint_refuses_shows_googleads_unauthorized_in_health_and_the_donation_waits()
    {
        using var rig = new GoogleAdsRig(tokens: 0);
        var app = rig.App;
        app.ExpectErrors("Tracking.Delivery.DestinationHealth", "the token endpoint refuses the key on purpose");
        app.Stub.Given(Request.Create().WithPath(GoogleAdsRig.TokenPath).UsingPost()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"""));
        await DonateAsync(app, await LandAsync(app, "https://film.example/watch?gclid=Cj0KCQ_revoked"), "donor@example.com");

        await app.RunUntilAsync(() => rig.TokenRequests().Any(), "the service asked for a token");
        var ready = await app.Ops().GetFromJsonAsync<JsonElement>("/health/ready");

        Assert.Equal("unauthorized", ready.GetProperty("destinations").GetProperty("googleads").GetString());
        Assert.Empty(rig.Ingests());
        var pending = (await DeliveriesAsync(app, "pending")).GetProperty("items").EnumerateArray();
        Assert.Contains(pending, i => i.GetProperty("destination").GetString() == "googleads");
    }
}
