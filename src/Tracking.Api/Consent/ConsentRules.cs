using Tracking.Storage;

namespace Tracking.Consent;

/// <summary>The consent and bot rules every destination applies before it sends an entry.</summary>
internal static class ConsentRules
{
    public const string Granted = "granted";
    public const string Denied = "denied";
    public const string Pending = "pending";

    /// <summary>
    /// The consent that applies to an entry now: the live session's decision wins (a later change counts for entries
    /// not yet sent); without one, the decision recorded in the entry when it was queued. Undecided: sent in opt-out
    /// mode; in opt-in mode held while the session lives, dropped once it has expired undecided.
    /// </summary>
    /// <param name="recorded">The entry's recorded consent (null for entries queued before consent was recorded).</param>
    public static ConsentDecision Decide(IReadOnlyDictionary<string, string> session, string? recorded, string field, ConsentMode mode)
    {
        var current = session.GetValueOrDefault(field);
        var decided = current is Granted or Denied ? current : recorded is Granted or Denied ? recorded : null;
        return decided switch
        {
            Granted => ConsentDecision.Send,
            Denied => ConsentDecision.Drop,
            _ when mode == ConsentMode.OptOut => ConsentDecision.Send,
            _ => session.Count > 0 ? ConsentDecision.Hold : ConsentDecision.Drop,
        };
    }

    public static bool IsBot(IReadOnlyDictionary<string, string> session) => session.GetValueOrDefault(SessionField.Bot) == "true";
}
