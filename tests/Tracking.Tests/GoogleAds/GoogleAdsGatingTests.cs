using System.Text.Json;
using static Tracking.Tests.GoogleAds.GoogleAdsJourney;

namespace Tracking.Tests.GoogleAds;

/// <summary>What never reaches Google: a donation without marketing consent, and one Google could match to nothing.</summary>
public sealed class GoogleAdsGatingTests
{
    [Fact]
    public async Task With_marketing_consent_denied_nothing_goes_to_google()
    {
        using var rig = new GoogleAdsRig();
        var app = rig.App;
        var sid = await LandAsync(app, "https://film.example/watch?gclid=Cj0KCQ_denied", marketing: "denied");

        await DonateAsync(app, sid, "donor@example.com");
        await app.RunUntilAsync(() => app.PostHogEventsDelivered().Any(e => e.GetProperty("event").GetString() == "Donation Completed"), "PostHog (analytics) got the donation");

        Assert.Empty(rig.Ingests());
        Assert.Empty(rig.TokenRequests());
        Assert.DoesNotContain(GoogleIds(await DeliveriesAsync(app, "pending")), id => id.Contains("cs_test_a1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_donation_without_a_google_click_id_or_an_e_mail_sends_nothing_to_google()
    {
        using var rig = new GoogleAdsRig();
        var app = rig.App;
        var sid = await LandAsync(app, "https://film.example/watch?fbclid=IwAR_only_meta");

        await DonateAsync(app, sid, email: null);
        await app.RunUntilAsync(() => app.MetaEventsDelivered().Any(e => e.GetProperty("event_id").GetString() == "cs_test_a1"), "Meta got the donation");

        Assert.Empty(rig.Ingests());
        Assert.Empty(GoogleIds(await DeliveriesAsync(app, "pending")));
        Assert.Empty(GoogleIds(await DeliveriesAsync(app, "dead")));
    }

    private static List<string> GoogleIds(JsonElement list) => list.GetProperty("items").EnumerateArray()
        .Where(i => i.GetProperty("destination").GetString() == "googleads").Select(i => i.GetProperty("id").GetString()!).ToList();
}
