namespace Tracking.Upgrade;

/// <summary>What one upgrade run changed; all zero when the data was already in the current layout.</summary>
/// <param name="OutboxEntriesMoved">Entries queued under their own id moved into the shared entry (their ids unchanged).</param>
/// <param name="DeadLettersGivenBodies">Dead letters left without a body by an old worker, given their entry.</param>
/// <param name="SessionsIndexed">Live sessions added to their visitor's index.</param>
/// <param name="ConversionsIndexed">Conversions added to their visitor's index (the visitor from the session, else the Stripe ledger).</param>
/// <param name="TtlsSet">Keys that had no TTL and now have the documented one.</param>
public sealed record UpgradeResult(long OutboxEntriesMoved, long DeadLettersGivenBodies, long SessionsIndexed, long ConversionsIndexed, long TtlsSet);

/// <summary>
/// The one-shot migration of data written by earlier versions (docs/operations.md, "Upgrading old data"): the outbox
/// first (so its entries are delivered by the current worker), then the visitor index, then TTLs (so a new index gets
/// its TTL too). Every step changes only what is still in the old form, so running it again changes nothing.
/// </summary>
internal sealed class DataUpgrade(OutboxUpgrade outbox, VisitorIndexUpgrade index, TtlUpgrade ttl)
{
    public async Task<UpgradeResult> RunAsync()
    {
        var moved = await outbox.RunAsync();
        var indexed = await index.RunAsync();
        var expiring = await ttl.RunAsync();
        return new UpgradeResult(moved.Moved, moved.Bodies, indexed.Sessions, indexed.Conversions, expiring);
    }
}
