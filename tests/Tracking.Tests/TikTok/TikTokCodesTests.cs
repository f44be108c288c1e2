using Tracking.Delivery;
using Tracking.TikTok;

namespace Tracking.Tests.TikTok;

/// <summary>TikTok's return codes: which are retried (and as what), which dead-letter the event.</summary>
public sealed class TikTokCodesTests
{
    [Theory]
    [InlineData(40100, "RateLimited")]
    [InlineData(40001, "Unauthorized")]
    [InlineData(40105, "Unauthorized")]
    [InlineData(40102, "Unauthorized")]
    [InlineData(50000, "ServerError")]
    [InlineData(51021, "ServerError")]
    public void Throttling_credentials_and_tiktoks_own_failures_are_retried(int code, string kind)
    {
        var outcome = Assert.IsType<Outcome.Retry>(TikTokCodes.Classify(code, "m"));
        Assert.Equal(kind, outcome.Kind.ToString());
    }

    [Theory]
    [InlineData(40002)]
    [InlineData(40006)]
    [InlineData(40900)]
    public void A_code_about_the_request_content_dead_letters_it(int code) =>
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.IsType<Outcome.Dead>(TikTokCodes.Classify(code, "m")).Why, StringComparison.Ordinal);
}
