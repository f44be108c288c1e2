using Tracking.Infrastructure;
using Tracking.Delivery;
using Tracking.Storage;

namespace Tracking.Tests.Delivery;

/// <summary>The decisions every destination shares before it sees an entry: bot, consent, hold, too old.</summary>
public sealed class TriageTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly DestinationRules Marketing = new(ConsentPurpose.Marketing, TimeSpan.FromDays(7), "the 7-day limit", "older than 7 days");

    private static OutboxEntry Entry(TimeSpan age, string? recordedMarketing = null) => OutboxEntry.ForCheckout(
        "s", "e", "InitiateCheckout", (Now - age).ToUnixTimeMilliseconds(), new("https://film.example/", null), new("203.0.113.9", "UA"),
        10m, "EUR", new(recordedMarketing, null), null);

    private static Outcome? Check(OutboxEntry entry, Dictionary<string, string> session, Tracking.Consent.ConsentMode mode = Tracking.Consent.ConsentMode.OptIn) =>
        new Triage(Marketing, mode, Now).Check(entry, session);

    [Fact]
    public void A_bots_events_are_skipped_whatever_its_consent()
    {
        var outcome = Check(Entry(TimeSpan.Zero, Tracking.Consent.ConsentRules.Granted), new() { [SessionField.Bot] = "true" });

        Assert.Equal(new Outcome.Skipped("bot"), outcome);
    }

    [Fact]
    public void Denied_consent_skips_and_granted_consent_sends()
    {
        Assert.Equal(new Outcome.Skipped("marketing consent"), Check(Entry(TimeSpan.Zero), new() { [SessionField.ConsentMarketing] = Tracking.Consent.ConsentRules.Denied }));
        Assert.Null(Check(Entry(TimeSpan.Zero), new() { [SessionField.ConsentMarketing] = Tracking.Consent.ConsentRules.Granted }));
    }

    [Fact]
    public void Pending_consent_holds_while_the_session_lives_and_skips_once_past_the_limit()
    {
        var session = new Dictionary<string, string> { [SessionField.ConsentMarketing] = Tracking.Consent.ConsentRules.Pending };

        Assert.Equal(new Outcome.Held("marketing consent pending"), Check(Entry(TimeSpan.FromDays(1)), session));
        Assert.Equal(new Outcome.Skipped("marketing consent never given within the 7-day limit"), Check(Entry(TimeSpan.FromDays(8)), session));
        Assert.Null(Check(Entry(TimeSpan.FromDays(1)), session, Tracking.Consent.ConsentMode.OptOut));
    }

    [Fact]
    public void A_sendable_entry_past_the_limit_is_dead_as_too_old()
    {
        var outcome = Check(Entry(TimeSpan.FromDays(8), Tracking.Consent.ConsentRules.Granted), []);

        Assert.Equal(new Outcome.Dead("older than 7 days", DeadKind.TooOld), outcome);
    }
}
