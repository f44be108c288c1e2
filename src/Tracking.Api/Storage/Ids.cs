using System.Buffers.Text;
using System.Security.Cryptography;

namespace Tracking.Storage;

/// <summary>Unguessable ids in a safe alphabet ([A-Za-z0-9_-]) so they can sit inside Redis keys.</summary>
internal static class Ids
{
    // 20 random bytes = 160 bits (27 characters), then 2 characters that put the id on a partition slot.
    private const int RandomBytes = 20;
    private const int RandomChars = 27;
    private const int SuffixChars = 2;
    private const int Mask = Partitions.SlotStride - 1;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>For each value of a CRC's low bits below the partition stride, a suffix whose own CRC has those low bits.</summary>
    private static readonly string[] Suffixes = BuildSuffixes();

    /// <summary>
    /// A new session id in constant time: 160 random bits, then a two-character suffix that lands the id's CRC16 on a
    /// partition slot (a multiple of the stride, 64). CRC16 (zero start, no final xor) is linear, so
    /// crc(prefix ‖ suffix) = crc(prefix ‖ 00) ⊕ crc(suffix): the suffix is looked up for the prefix's low 6 bits, and the
    /// partition (bits 6-13) stays as random as the prefix. No rejection sampling, no CPU a client can multiply.
    /// </summary>
    public static string NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return SessionIdFrom(bytes);
    }

    /// <summary>
    /// The session id of a new visitor's page load, derived from its first event (the page's own random id) under a
    /// server secret: a retried page load whose first answer was lost finds the session it created instead of making
    /// a second one with the same events, and nobody without the secret can compute an id.
    /// </summary>
    public static string PageLoadSessionId(ReadOnlySpan<byte> secret, string? visitorId, string firstEventId)
    {
        var input = System.Text.Encoding.UTF8.GetBytes((visitorId ?? "") + "\n" + firstEventId);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, input, mac);
        return SessionIdFrom(mac[..RandomBytes]);
    }

    /// <summary>
    /// The visitor id of a new visitor's page load, derived like its session id (a retry gets the same one), on the
    /// Redis Cluster slot of <paramref name="sessionId"/> (see <see cref="NewVisitorId"/>).
    /// </summary>
    public static string PageLoadVisitorId(ReadOnlySpan<byte> secret, string firstEventId, string sessionId)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, System.Text.Encoding.UTF8.GetBytes("visitor\n" + firstEventId), mac);
        return VisitorIdFrom(mac[..VisitorBytes], Crc16.Slot(sessionId));
    }

    /// <summary>
    /// A new visitor's id: 128 random bits (22 characters), then 3 characters that put it on the cluster slot of its
    /// first session, so the visitor's keys (its visit count and index) are written by the session's own script: a
    /// new visitor's landing is one script, not two on two slots. Constant time, like session ids (a CRC16 table).
    /// </summary>
    public static string NewVisitorId(string sessionId)
    {
        Span<byte> bytes = stackalloc byte[VisitorBytes];
        RandomNumberGenerator.Fill(bytes);
        return VisitorIdFrom(bytes, Crc16.Slot(sessionId));
    }

    private const int VisitorBytes = 16;
    private const int VisitorRandomChars = 22;
    private const int VisitorSuffixChars = 3;

    /// <summary>For each of the 16384 cluster slots, a 3-character suffix whose own CRC16 lands on it.</summary>
    private static readonly string[] SlotSuffixes = BuildSlotSuffixes();

    private static string VisitorIdFrom(ReadOnlySpan<byte> bytes, int slot)
    {
        Span<char> id = stackalloc char[VisitorRandomChars + VisitorSuffixChars];
        Base64Url.EncodeToChars(bytes, id);
        var padded = Crc16.Compute(id[..VisitorRandomChars]);
        for (var i = 0; i < VisitorSuffixChars; i++)
        {
            padded = Crc16.Update(padded, 0);
        }
        // crc(prefix ‖ suffix) = crc(prefix ‖ 000) ⊕ crc(suffix): the suffix whose CRC is the difference to the slot.
        SlotSuffixes[(padded ^ slot) & 16383].CopyTo(id[VisitorRandomChars..]);
        return new string(id);
    }

    private static string[] BuildSlotSuffixes()
    {
        var table = new string[16384];
        var filled = 0;
        Span<char> suffix = stackalloc char[VisitorSuffixChars];
        for (var n = 0; filled < table.Length && n < 64 * 64 * 64; n++)
        {
            suffix[0] = Alphabet[n % 64];
            suffix[1] = Alphabet[n / 64 % 64];
            suffix[2] = Alphabet[n / 4096];
            ref var slot = ref table[Crc16.Slot(suffix)];
            if (slot is null)
            {
                slot = new string(suffix);
                filled++;
            }
        }
        return filled == table.Length ? table : throw new InvalidOperationException("visitor id suffix table incomplete");
    }

    private static string SessionIdFrom(ReadOnlySpan<byte> bytes)
    {
        Span<char> id = stackalloc char[RandomChars + SuffixChars];
        Base64Url.EncodeToChars(bytes, id);
        var padded = Crc16.Compute(id[..RandomChars]);
        for (var i = 0; i < SuffixChars; i++)
        {
            padded = Crc16.Update(padded, 0);
        }
        Suffixes[padded & Mask].CopyTo(id[RandomChars..]);
        return new string(id);
    }

    private static string[] BuildSuffixes()
    {
        // Two characters of the alphabet reach every value below the stride (a test checks; start fails if not).
        var table = new string[Partitions.SlotStride];
        var filled = 0;
        for (var n = 0; filled < table.Length && n < Alphabet.Length * Alphabet.Length; n++)
        {
            var suffix = new string([Alphabet[n % 64], Alphabet[n / 64 % 64]]);
            ref var slot = ref table[Crc16.Compute(suffix) & Mask];
            if (slot is null)
            {
                slot = suffix;
                filled++;
            }
        }
        return filled == table.Length ? table : throw new InvalidOperationException("session id suffix table incomplete");
    }

    // Event ids only need to be unique (they key idempotency and Meta/PostHog dedup), not secret: a random
    // per-process prefix plus a counter is unique across replicas and costs no random bytes per event.
    private static readonly string EventIdPrefix = NewId()[..12];
    private static long _eventCounter;

    public static string NewEventId() =>
        EventIdPrefix + Interlocked.Increment(ref _eventCounter).ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    public static string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>A session id we could have issued: right shape and on a partition slot.</summary>
    public static bool IsSessionId(string? value) =>
        IsSafe(value, 64) && Partitions.IsPartitionSlot(Crc16.Slot(value));

    /// <summary>Letters, digits, '_', '-', '.', ':' only; no braces, spaces or control characters.</summary>
    public static bool IsSafe([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            return false;
        }
        foreach (var ch in value)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.' or ':'))
            {
                return false;
            }
        }
        return true;
    }
}
