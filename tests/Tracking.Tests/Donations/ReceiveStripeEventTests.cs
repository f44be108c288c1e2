using Microsoft.Extensions.DependencyInjection;
using Tracking.Donations;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Donations;

/// <summary>The Stripe webhook's use case on its own: events signed as Stripe signs them, real Redis.</summary>
public sealed class ReceiveStripeEventTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe();

    public ReceiveStripeEventTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private ReceiveStripeEvent UseCase => _app.Services.GetRequiredService<ReceiveStripeEvent>();

    private Task<StripeOutcome> ReceiveAsync(string payload, string? signature = null) =>
        UseCase.RunAsync(payload, signature ?? StripeSigner.Sign(payload, _app.Clock.GetUtcNow()), CancellationToken.None);

    private async Task<(string Id, string Visitor)> SessionAsync()
    {
        var created = await _app.Browser().NewSessionAsync();
        return (created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
    }

    private string Paid(string eventId, string sid, string visitor, string type = "checkout.session.completed", string status = "paid") =>
        StripeSigner.CheckoutEvent(eventId, type, "cs_test_uc", sid, status, 2500, "usd", _app.Clock.GetUtcNow(), visitorId: visitor);

    [Fact]
    public async Task A_paid_checkout_converts_once_and_its_redelivery_is_a_duplicate()
    {
        var (sid, visitor) = await SessionAsync();

        Assert.Equal(StripeOutcome.Converted, await ReceiveAsync(Paid("evt_1", sid, visitor)));
        Assert.Equal(StripeOutcome.DuplicateEvent, await ReceiveAsync(Paid("evt_1", sid, visitor)));
        Assert.Equal(StripeOutcome.AlreadyConverted, await ReceiveAsync(Paid("evt_2", sid, visitor, "checkout.session.async_payment_succeeded")));
    }

    [Fact]
    public async Task A_conversion_in_a_session_that_stored_no_event_leaves_its_events_and_dedup_set_the_sessions_lifetime()
    {
        var (sid, visitor) = await SessionAsync();
        Assert.False(await _app.Db.KeyExistsAsync(Keys.Events(sid)));

        Assert.Equal(StripeOutcome.Converted, await ReceiveAsync(Paid("evt_ttl", sid, visitor)));

        var session = (await _app.Db.KeyTimeToLiveAsync(Keys.Session(sid)))!.Value;
        foreach (var key in new[] { Keys.Events(sid), Keys.Seen(sid) })
        {
            Assert.True(await _app.Db.KeyExistsAsync(key));
            // Up to a second over the session's: the script copies its remaining ms, and PTTL rounds within a ms.
            Assert.InRange((await _app.Db.KeyTimeToLiveAsync(key))!.Value, session - TimeSpan.FromMinutes(1), session + TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task An_unpaid_completion_awaits_payment_and_a_failure_is_recorded()
    {
        var (sid, visitor) = await SessionAsync();

        Assert.Equal(StripeOutcome.AwaitingPayment, await ReceiveAsync(Paid("evt_u", sid, visitor, status: "unpaid")));
        Assert.Equal(StripeOutcome.RecordedFailed, await ReceiveAsync(Paid("evt_f", sid, visitor, "checkout.session.async_payment_failed", "unpaid")));
        Assert.Equal(StripeOutcome.RecordedExpired, await ReceiveAsync(Paid("evt_e", sid, visitor, "checkout.session.expired", "unpaid")));
    }

    [Fact]
    public async Task An_unsigned_or_wrongly_signed_event_is_refused_and_another_type_ignored()
    {
        var (sid, visitor) = await SessionAsync();
        var payload = Paid("evt_s", sid, visitor);

        Assert.Equal(StripeOutcome.MissingSignature, await ReceiveAsync(payload, signature: ""));
        Assert.Equal(StripeOutcome.InvalidSignature, await ReceiveAsync(payload, StripeSigner.Sign(payload, _app.Clock.GetUtcNow(), "whsec_other")));
        Assert.Equal(StripeOutcome.Ignored, await ReceiveAsync(payload.Replace("checkout.session.completed", "invoice.paid", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_outcome_has_its_own_name()
    {
        var names = Enum.GetValues<StripeOutcome>().Select(o => o.Name()).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("usd", 2550, "25.5")]
    [InlineData("jpy", 5000, "5000")]
    [InlineData("kwd", 1230, "1.23")]
    public void The_amount_is_read_once_into_major_units_of_its_currency(string currency, long minor, string major)
    {
        var amount = Amount.FromMinor(minor, currency);

        Assert.Equal(decimal.Parse(major, System.Globalization.CultureInfo.InvariantCulture), amount.Major);
        Assert.Equal(currency, amount.Currency);
    }
}
