using Tracking.Storage;

namespace Tracking.Tests.Storage;

/// <summary>Every key one request touches lives on the session's cluster slot (so one script may write them all).</summary>
public sealed class SlotTests
{
    [Fact]
    public void A_sessions_keys_and_its_partition_keys_share_one_slot()
    {
        for (var i = 0; i < 200; i++)
        {
            var id = Ids.NewSessionId();
            var tag = Partitions.TagOf(id);
            var day = "2026-11-23";
            string[] keys =
            [
                Keys.Session(id), Keys.Events(id), Keys.Seen(id), Keys.Touches(id), Keys.Client(id), Keys.StripeLedger(id),
                Keys.OutboxDue(tag), Keys.OutboxItems(tag), Keys.OutboxTries(tag), Keys.OutboxDead(tag),
                Keys.OutboxDeadReasons(tag), Keys.Aggregate(tag, day), Keys.AggregateKeys(tag, day), Keys.Conversions(tag, day),
                Keys.ConversionPaths(tag, day),
            ];

            Assert.Single(keys.Select(SlotOf).Distinct());
            Assert.True(id.Length >= 27, "160 random bits in base64url");
        }
    }

    [Fact]
    public void New_session_ids_land_on_partition_slots_spread_over_all_partitions_in_constant_time()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => Ids.NewSessionId()).ToList();

        Assert.All(ids, id => Assert.True(Ids.IsSessionId(id), $"{id} is not on a partition slot"));
        Assert.All(ids, id => Assert.Equal(29, id.Length));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        // 20 000 ids over 256 partitions: 78 expected each; a skewed suffix table would show here.
        var perPartition = ids.GroupBy(Partitions.Of).Select(g => g.Count()).ToList();
        Assert.Equal(256, perPartition.Count);
        Assert.All(perPartition, n => Assert.InRange(n, 30, 140));
    }

    [Fact]
    public void Page_load_session_ids_are_on_partition_slots_repeatable_for_one_page_load_and_secret_bound()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var other = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var ids = Enumerable.Range(0, 10_000).Select(i => Ids.PageLoadSessionId(secret, "page-load-key-" + i)).ToList();

        Assert.All(ids, id => Assert.True(Ids.IsSessionId(id), $"{id} is not on a partition slot"));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(256, ids.GroupBy(Partitions.Of).Count());
        // The same page load (its key) gives the same id; another secret gives another one.
        Assert.Equal(ids[7], Ids.PageLoadSessionId(secret, "page-load-key-7"));
        Assert.NotEqual(ids[7], Ids.PageLoadSessionId(other, "page-load-key-7"));
    }

    [Fact]
    public void A_known_visitors_sessions_land_on_its_slot_and_only_a_partition_slot_is_taken()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var visitors = Enumerable.Range(0, 2_000).Select(_ => Ids.NewVisitorId(secret, Ids.NewSessionId())).ToList();

        // A later session of the visitor shares its slot, so the session's script counts the visit.
        foreach (var visitor in visitors)
        {
            var made = Ids.NewSessionId(Crc16.Slot(visitor));
            var derived = Ids.PageLoadSessionId(secret, "key-" + visitor, Crc16.Slot(visitor));
            Assert.Equal(SlotOf(Keys.Visitor(visitor)), SlotOf(Keys.Session(made)));
            Assert.Equal(SlotOf(Keys.Visitor(visitor)), SlotOf(Keys.Session(derived)));
            Assert.True(Ids.IsSessionId(made) && Ids.IsSessionId(derived));
            Assert.Equal(30, made.Length);
            Assert.Equal(derived, Ids.PageLoadSessionId(secret, "key-" + visitor, Crc16.Slot(visitor)));
        }
        Assert.NotEqual(Ids.NewSessionId(Crc16.Slot(visitors[0]))[..27], Ids.NewSessionId(Crc16.Slot(visitors[0]))[..27]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ids.NewSessionId(Partitions.SlotStride + 1));
    }

    [Fact]
    public void New_visitor_ids_land_on_their_first_sessions_slot_unpredictably()
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var pairs = Enumerable.Range(0, 10_000).Select(_ => Ids.NewSessionId()).Select(s => (Session: s, Visitor: Ids.NewVisitorId(secret, s))).ToList();

        // The visitor's count and index are written by the session's own script: same slot, for every draw.
        Assert.All(pairs, p => Assert.Equal(SlotOf(Keys.Session(p.Session)), SlotOf(Keys.Visitor(p.Visitor))));
        Assert.All(pairs, p => Assert.Equal(SlotOf(Keys.Session(p.Session)), SlotOf(Keys.VisitorIndex(p.Visitor))));
        Assert.All(pairs, p => Assert.Equal(SlotOf(Keys.Session(p.Session)), SlotOf(Keys.VisitorSessions(p.Visitor))));
        Assert.All(pairs, p => Assert.Equal(41, p.Visitor.Length));
        Assert.All(pairs, p => Assert.True(Ids.IsSafe(p.Visitor, 64)));
        Assert.Equal(pairs.Count, pairs.Select(p => p.Visitor).Distinct(StringComparer.Ordinal).Count());
        // Two visitors of one session slot share only the 3-character suffix: 128 random bits before it.
        var one = pairs[0].Session;
        Assert.NotEqual(Ids.NewVisitorId(secret, one)[..22], Ids.NewVisitorId(secret, one)[..22]);
    }

    [Fact]
    public void Ids_issued_before_the_suffix_scheme_stay_valid()
    {
        // Drawn by rejection sampling (27 characters, on a partition slot): still a session id we could have issued.
        string? old = null;
        var random = new Random(7);
        var bytes = new byte[20];
        while (old is null)
        {
            random.NextBytes(bytes);
            var candidate = System.Buffers.Text.Base64Url.EncodeToString(bytes);
            old = Partitions.IsPartitionSlot(Crc16.Slot(candidate)) ? candidate : null;
        }

        Assert.True(Ids.IsSessionId(old));
    }

    [Fact]
    public void Partitions_sit_on_evenly_spread_slots()
    {
        Assert.Equal(256, Partitions.Tags.Count);
        Assert.Equal(Enumerable.Range(0, 256).Select(p => p * 64), Partitions.Tags.Select(t => Crc16.Slot(t)));
        // The 16 partitions of earlier versions (slot = p × 1024) keep their tags, so their outbox and reports stay readable.
        var earlier = new string[16];
        for (var n = 0; earlier.Contains(null); n++)
        {
            var slot = Crc16.Slot("p" + n);
            if (slot % 1024 == 0)
            {
                earlier[slot / 1024] ??= "p" + n;
            }
        }
        Assert.Equal(earlier, Enumerable.Range(0, 16).Select(p => Partitions.Tags[p * 16]));
    }

    [Fact]
    public void Crc16_matches_redis_cluster_reference_values()
    {
        // CLUSTER KEYSLOT foo = 12182; the spec gives CRC16("123456789") = 0x31C3.
        Assert.Equal(12182, Crc16.Slot("foo"));
        Assert.Equal(11058, Crc16.Slot("somekey"));
        Assert.Equal(12739, Crc16.Slot("123456789") % 16384);
    }

    // Redis hashes only what is between the first '{' and the next '}'.
    private static int SlotOf(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = key.IndexOf('}', open + 1);
        return Crc16.Slot(key.AsSpan(open + 1, close - open - 1));
    }
}
