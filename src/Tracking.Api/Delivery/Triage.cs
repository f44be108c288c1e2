using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Delivery;

/// <summary>
/// What every destination decides before mapping an entry, in this order: a bot's events are skipped; the consent the
/// destination needs drops or holds the entry; an entry older than the destination accepts is dead-lettered, or
/// skipped when it was still waiting for consent (consent never given in time is no failure). Whatever passes
/// (<see cref="Check"/> answers null) is the destination's to map and send.
/// </summary>
/// <param name="Purpose">The consent the destination needs.</param>
/// <param name="Mode">Whether undecided consent sends (opt-out) or holds (opt-in).</param>
/// <param name="Oldest">The oldest event time the destination accepts.</param>
/// <param name="Limit">The age limit as reasons name it ("Meta's 7-day limit").</param>
/// <param name="TooOld">The dead-letter reason of an entry past the limit.</param>
internal sealed record Triage(ConsentPurpose Purpose, ConsentMode Mode, DateTimeOffset Oldest, string Limit, string TooOld)
{
    /// <summary>The outcome of an entry that is not to be sent now, or null when the destination should send it.</summary>
    public Outcome? Check(OutboxEntry entry, IReadOnlyDictionary<string, string> session)
    {
        if (Consent.IsBot(session))
        {
            return new Outcome.Skipped("bot");
        }
        var (purpose, recorded, field) = Purpose switch
        {
            ConsentPurpose.Marketing => ("marketing", entry.ConsentMarketing, SessionField.ConsentMarketing),
            _ => ("analytics", entry.ConsentAnalytics, SessionField.ConsentAnalytics),
        };
        var tooOld = entry.Timestamp < Oldest.ToUnixTimeMilliseconds();
        return Consent.Decide(session, recorded, field, Mode) switch
        {
            ConsentDecision.Drop => new Outcome.Skipped($"{purpose} consent"),
            // Held no longer than the destination would take it.
            ConsentDecision.Hold when tooOld => new Outcome.Skipped($"{purpose} consent never given within {Limit}"),
            ConsentDecision.Hold => new Outcome.Held($"{purpose} consent pending"),
            _ when tooOld => new Outcome.Dead(TooOld, DeadKind.TooOld),
            _ => null,
        };
    }
}
