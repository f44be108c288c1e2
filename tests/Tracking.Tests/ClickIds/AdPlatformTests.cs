using Tracking.ClickIds;
using Tracking.Storage;

namespace Tracking.Tests.ClickIds;

/// <summary>The one rule that decides a donation's ad platform (docs/reports.md): click ids first, then utm_source.</summary>
public sealed class AdPlatformTests
{
    private static string Of(params (string Field, string Value)[] fields) =>
        AdPlatform.Of(name => fields.FirstOrDefault(f => f.Field == name).Value);

    [Theory]
    [InlineData(SessionField.Fbclid, "meta")]
    [InlineData(SessionField.Fbc, "meta")]
    [InlineData(SessionField.Gclid, "google")]
    [InlineData(SessionField.Gbraid, "google")]
    [InlineData(SessionField.Wbraid, "google")]
    [InlineData(SessionField.Ttclid, "tiktok")]
    public void A_click_id_names_its_platform_whatever_the_utm_source_says(string field, string platform)
    {
        Assert.Equal(platform, Of((field, "Click1d"), (SessionField.LastTouchSource, "newsletter")));
        Assert.Equal(platform, Of((field, "Click1d")));
    }

    [Theory]
    [InlineData("facebook", "meta")]
    [InlineData("Instagram", "meta")]
    [InlineData("fb", "meta")]
    [InlineData("ig", "meta")]
    [InlineData("meta", "meta")]
    [InlineData("google", "google")]
    [InlineData("YouTube", "google")]
    [InlineData("tiktok", "tiktok")]
    [InlineData("newsletter", "other")]
    [InlineData("l.facebook.com", "other")]
    [InlineData("(direct)", "other")]
    public void Without_a_click_id_the_last_touchs_source_decides(string source, string platform) =>
        Assert.Equal(platform, Of((SessionField.LastTouchSource, source)));

    [Fact]
    public void Nothing_known_is_other() => Assert.Equal("other", Of());

    [Fact]
    public void With_clicks_on_several_platforms_the_one_the_last_touch_names_wins_else_meta_google_tiktok()
    {
        Assert.Equal("google", Of((SessionField.Fbclid, "IwAR1"), (SessionField.Gclid, "Cj0"), (SessionField.LastTouchSource, "youtube")));
        Assert.Equal("tiktok", Of((SessionField.Fbc, "fb.1.1700000000000.IwAR1"), (SessionField.Ttclid, "E.C.P"), (SessionField.LastTouchSource, "tiktok")));
        Assert.Equal("meta", Of((SessionField.Fbclid, "IwAR1"), (SessionField.Gclid, "Cj0"), (SessionField.LastTouchSource, "newsletter")));
        Assert.Equal("google", Of((SessionField.Gbraid, "0AAAA"), (SessionField.Ttclid, "E.C.P")));
    }

    [Fact]
    public void Every_key_is_one_of_the_four_the_report_offers() =>
        Assert.Equal(["meta", "google", "tiktok", "other"], AdPlatform.Keys);
}
