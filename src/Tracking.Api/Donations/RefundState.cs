using System.Text.Json.Serialization;

namespace Tracking.Donations;

/// <summary>One Stripe fact about a payment: a charge's cumulative refunds, or a dispute's status.</summary>
/// <param name="Id">The charge id (a refund) or the dispute id.</param>
/// <param name="Minor">A charge's <c>amount_refunded</c> (cumulative), or a dispute's <c>amount</c>, in minor units.</param>
/// <param name="Status">A dispute's status; null for a refund.</param>
internal sealed record RefundFact(RefundCause Cause, string Id, long Minor, string? Status = null);

internal enum RefundCause
{
    Refund,
    Dispute,
}

/// <summary>A dispute as last recorded.</summary>
internal sealed record DisputeFact(string Status, long Minor);

/// <summary>
/// What Stripe took back from one donation (stored JSON, <c>conv:{p}:{day}:refunds</c>): each charge's cumulative
/// <c>amount_refunded</c> (the highest seen, so a late partial refund never lowers it), each dispute's status, and
/// <see cref="Refunded"/>, their union in minor units: refunds plus the disputes whose money is gone, never above the
/// payment. Every fact is an absolute value, so applying an event twice, or events in any order, ends the same.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record RefundState(Dictionary<string, long> Charges, Dictionary<string, DisputeFact> Disputes, long Refunded)
{
    public static RefundState Empty => new([], [], 0);

    /// <summary>The state after <paramref name="fact"/>, for a payment of <paramref name="paid"/> minor units.</summary>
    public RefundState Apply(RefundFact fact, long paid)
    {
        var charges = new Dictionary<string, long>(Charges, StringComparer.Ordinal);
        var disputes = new Dictionary<string, DisputeFact>(Disputes, StringComparer.Ordinal);
        if (fact.Cause == RefundCause.Refund)
        {
            charges[fact.Id] = Math.Max(charges.GetValueOrDefault(fact.Id), fact.Minor);
        }
        else if (!disputes.TryGetValue(fact.Id, out var known) || Rank(fact.Status) > Rank(known.Status))
        {
            // A dispute closes once: a late "created" never reopens a closed one.
            disputes[fact.Id] = new DisputeFact(fact.Status ?? "", fact.Minor);
        }
        var taken = charges.Values.Sum() + disputes.Values.Where(d => Withdrawn(d.Status)).Sum(d => d.Minor);
        return new RefundState(charges, disputes, Math.Clamp(taken, 0, paid));
    }

    /// <summary>
    /// Stripe withdraws a chargeback's amount when it opens and returns it only when it is won: an open or lost one
    /// counts as refunded. An inquiry (<c>warning_*</c>) takes no money, and won, prevented or warning_closed gives it back.
    /// </summary>
    public static bool Withdrawn(string? status) => status is "needs_response" or "under_review" or "lost";

    private static int Rank(string? status) => status is "won" or "lost" or "warning_closed" or "prevented" ? 2 : 1;
}
