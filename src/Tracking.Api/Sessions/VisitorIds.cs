using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>
/// Visitor ids are the service's, not the browser's: each is signed when issued (<see cref="Ids.NewVisitorId"/>), and
/// an id the service did not issue — made up, altered, or issued before ids were signed — counts as no id at all, so a
/// client can neither choose a visitor nor grow another visitor's index.
/// </summary>
internal sealed class VisitorIds(VisitorIdSecret secret)
{
    /// <summary>
    /// The claimed id when the service issued it; otherwise null (a new visitor). An issued id sits on its first
    /// session's slot, a partition slot, where the visitor's later sessions are made (<see cref="Ids.NewSessionId(int)"/>).
    /// </summary>
    public async ValueTask<string?> IssuedOrNullAsync(string? claimed) =>
        claimed is not null && Ids.IsIssuedVisitorId(await secret.GetAsync(), claimed) && Partitions.IsPartitionSlot(Crc16.Slot(claimed))
            ? claimed : null;

    /// <summary>A new visitor's id, on the cluster slot of its first session.</summary>
    public async ValueTask<string> NewAsync(string sessionId) => Ids.NewVisitorId(await secret.GetAsync(), sessionId);
}
