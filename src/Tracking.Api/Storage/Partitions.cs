namespace Tracking.Storage;

/// <summary>
/// The outbox and the aggregates are split into <see cref="Count"/> partitions, each pinned to one Redis Cluster
/// slot, evenly spread over the slot space (slot = p × 64), so a cluster of up to 256 masters shares the work and a
/// reshard moves 1/256 of it at a time. Session ids are made so that a session's own hash tag lands on one of those
/// slots (see <see cref="Ids.NewSessionId"/>), which lets a single Lua script write the session, its events and its
/// outbox entries atomically on a cluster, without cross-slot errors and without one hot shard.
/// Raising the partition count only adds partitions (each existing one keeps its slot, and their tags are found the
/// same way), so ids already issued stay on partition slots and no data is stranded.
/// </summary>
internal static class Partitions
{
    public const int Count = 256;
    public const int SlotStride = 16384 / Count;

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
