namespace Tracking.Storage;

/// <summary>
/// The outbox and the aggregates are split into <see cref="Count"/> partitions, each pinned to one Redis Cluster
/// slot (evenly spread: slot = p * 1024). Session ids are drawn so that a session's own hash tag lands on one of
/// those slots, which lets a single Lua script write the session, its events and its outbox entries atomically
/// on a cluster, without cross-slot errors and without one hot shard.
/// </summary>
internal static class Partitions
{
    public const int Count = 16;
    private const int SlotStride = 16384 / Count;

    /// <summary>For each partition, a short tag that hashes to that partition's slot.</summary>
    public static IReadOnlyList<string> Tags { get; } = FindTags();

    public static bool IsPartitionSlot(int slot) => slot % SlotStride == 0;

    public static int Of(string sessionId) => Crc16.Slot(sessionId) / SlotStride;

    public static string TagOf(string sessionId) => Tags[Of(sessionId)];

    private static string[] FindTags()
    {
        var tags = new string[Count];
        var found = 0;
        for (var n = 0; found < Count; n++)
        {
            var candidate = "p" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var slot = Crc16.Slot(candidate);
            if (IsPartitionSlot(slot) && tags[slot / SlotStride] is null)
            {
                tags[slot / SlotStride] = candidate;
                found++;
            }
        }
        return tags;
    }
}
