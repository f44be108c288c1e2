using Tracking.ClickIds;

namespace Tracking.Tests.ClickIds;

/// <summary>Which fbc is sent when the landing brought a click and the browser has an _fbc cookie (capi-param-builder's rule).</summary>
public sealed class MetaCookiesTests
{
    private const string Landed = "1765000000000";

    [Fact]
    public void A_new_click_beats_an_older_cookie_of_another_click() =>
        Assert.Equal($"fb.1.{Landed}.IwARNew", MetaCookies.Click("IwARNew", Landed, "fb.1.1700000000000.IwAROld"));

    [Fact]
    public void A_cookie_of_the_same_click_is_kept_with_its_time_and_appendix() =>
        Assert.Equal("fb.1.1700000000000.IwARSame.AQYBAQIA", MetaCookies.Click("IwARSame", Landed, "fb.1.1700000000000.IwARSame.AQYBAQIA"));

    [Theory]
    [InlineData("fb.1.1765000000001.IwAROther")] // made after the landing: a later click, in ms
    [InlineData("fb.1.1765000001.IwAROther")] // the same, in seconds
    public void A_cookie_made_after_the_landing_is_the_newer_click(string cookie) =>
        Assert.Equal(cookie, MetaCookies.Click("IwARNew", Landed, cookie));

    [Fact]
    public void A_malformed_cookie_gives_way_to_the_next_candidate_then_to_the_click()
    {
        Assert.Equal("fb.1.1700000000000.IwARSame", MetaCookies.Click("IwARSame", Landed, "fb.1.garbage", "fb.1.1700000000000.IwARSame"));
        Assert.Equal($"fb.1.{Landed}.IwARNew", MetaCookies.Click("IwARNew", Landed, "fb.1.garbage"));
    }

    [Fact]
    public void Without_a_click_the_cookie_goes_and_without_either_nothing()
    {
        Assert.Equal("fb.1.1700000000000.IwAROld", MetaCookies.Click(null, null, "fb.1.1700000000000.IwAROld"));
        Assert.Null(MetaCookies.Click(null, null, (string?)null));
    }
}
