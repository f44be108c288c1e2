using Tracking.Infrastructure;
using Tracking.Storage;
using Tracking.Consent;

namespace Tracking.Delivery;

/// <summary>
/// What is decided for every destination before it sees an entry, in this order: an erased session's entries (leased
/// before the erasure removed them) are skipped; a bot's events are skipped; the
/// consent the destination needs drops or holds the entry; an entry older than the destination accepts is
/// dead-lettered, or skipped when it was still waiting for consent (consent never given in time is no failure).
/// What passes (<see cref="Check"/> answers null) goes to <see cref="IDestination.DeliverAsync"/> to be mapped and sent.
/// </summary>
internal sealed class Triage(DestinationRules rules, ConsentMode mode, DateTimeOffset now)
{
    private readonly long _oldest = (now - rules.MaxAge).ToUnixTimeMilliseconds();

    /// <summary>The outcome of an entry that is not to be sent now, or null when the destination should send it.</summary>
    public Outcome? Check(OutboxEntry entry, IReadOnlyDictionary<string, string> session)
    {
        if (SessionSnapshots.IsErased(session))
        {
            return new Outcome.Skipped("erased");
        }
        if (ConsentRules.IsBot(session))
        {
            return new Outcome.Skipped("bot");
        }
        var (purpose, recorded, field) = rules.Consent switch
        {
            ConsentPurpose.Marketing => ("marketing", entry.ConsentMarketing, SessionField.ConsentMarketing),
            _ => ("analytics", entry.ConsentAnalytics, SessionField.ConsentAnalytics),
        };
        var tooOld = entry.Timestamp < _oldest;
        return ConsentRules.Decide(session, recorded, field, mode) switch
        {
            ConsentDecision.Drop => new Outcome.Skipped($"{purpose} consent"),
            // Held no longer than the destination would take it.
            ConsentDecision.Hold when tooOld => new Outcome.Skipped($"{purpose} consent never given within {rules.Limit}"),
            ConsentDecision.Hold => new Outcome.Held($"{purpose} consent pending"),
            _ when tooOld => new Outcome.Dead(rules.TooOld, DeadKind.TooOld),
            _ => null,
        };
    }
}
