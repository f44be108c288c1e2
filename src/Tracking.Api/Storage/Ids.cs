using System.Buffers.Text;
using System.Security.Cryptography;

namespace Tracking.Storage;

/// <summary>Unguessable ids in a safe alphabet ([A-Za-z0-9_-]) so they can sit inside Redis keys.</summary>
internal static class Ids
{
    // 20 random bytes = 160 bits (27 characters), then 2 characters that put the id on a partition slot.
    private const int RandomBytes = 20;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>Session ids: 2 characters that zero a CRC's low bits below the partition stride (64).</summary>
    private static readonly SlotSuffixes PartitionSuffixes = new(2, Partitions.SlotStride);

    /// <summary>Visitor ids: 3 characters that reach any of the 16384 cluster slots.</summary>
    private static readonly SlotSuffixes ClusterSlotSuffixes = new(3, 16384);

    /// <summary>
    /// A new session id in constant time: 160 random bits, then a two-character suffix that lands the id's CRC16 on a
    /// partition slot (a multiple of the stride, 64; <see cref="SlotSuffixes"/>); the partition (bits 6-13) stays as
    /// random as the prefix.
    /// </summary>
    public static string NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return PartitionSuffixes.Append(bytes, 0);
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
        return PartitionSuffixes.Append(mac[..RandomBytes], 0);
    }

    /// <summary>
    /// The visitor id of a new visitor's page load, derived like its session id (a retry gets the same one), on the
    /// Redis Cluster slot of <paramref name="sessionId"/> (see <see cref="NewVisitorId"/>).
    /// </summary>
    public static string PageLoadVisitorId(ReadOnlySpan<byte> secret, string firstEventId, string sessionId)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, System.Text.Encoding.UTF8.GetBytes("visitor\n" + firstEventId), mac);
        return ClusterSlotSuffixes.Append(mac[..VisitorBytes], Crc16.Slot(sessionId));
    }

    /// <summary>
    /// A new visitor's id: 128 random bits (22 characters), then 3 characters that put it on the cluster slot of its
    /// first session, so the visitor's keys (its visit count and index) are written by the session's own script: a
    /// new visitor's landing is one script, not two on two slots. Constant time, like session ids (<see cref="SlotSuffixes"/>).
    /// </summary>
    public static string NewVisitorId(string sessionId)
    {
        Span<byte> bytes = stackalloc byte[VisitorBytes];
        RandomNumberGenerator.Fill(bytes);
        return ClusterSlotSuffixes.Append(bytes, Crc16.Slot(sessionId));
    }

    private const int VisitorBytes = 16;
    /// <summary>
    /// Suffixes of <paramref name="chars"/> characters, one for each value of a CRC16's low bits below
    /// <paramref name="size"/> (a power of two), so that an id can be put on a chosen slot in constant time. CRC16
    /// (zero start, no final xor) is linear: crc(prefix ‖ suffix) = crc(prefix ‖ 0…0) ⊕ crc(suffix), so the suffix is
    /// the one whose CRC is the difference between the padded prefix's and the target; the bits above the table's stay
    /// as random as the prefix. No rejection sampling, no CPU a client can multiply.
    /// </summary>
    private sealed class SlotSuffixes
    {
        private readonly int _chars;
        private readonly string[] _table;

        public SlotSuffixes(int chars, int size)
        {
            _chars = chars;
            _table = new string[size];
            var filled = 0;
            Span<char> suffix = stackalloc char[chars];
            var combinations = (int)Math.Pow(Alphabet.Length, chars);
            for (var n = 0; filled < size && n < combinations; n++)
            {
                for (int c = 0, rest = n; c < chars; c++, rest /= Alphabet.Length)
                {
                    suffix[c] = Alphabet[rest % Alphabet.Length];
                }
                ref var slot = ref _table[Crc16.Compute(suffix) & (size - 1)];
                if (slot is null)
                {
                    slot = new string(suffix);
                    filled++;
                }
            }
            // The alphabet reaches every value (a test checks; start fails if not).
            if (filled < size)
            {
                throw new InvalidOperationException($"id suffix table of {chars} characters incomplete");
            }
        }

        /// <summary><paramref name="bytes"/> in base64url, then the suffix that lands its CRC16's low bits on <paramref name="target"/>.</summary>
        public string Append(ReadOnlySpan<byte> bytes, int target)
        {
            var prefix = Base64Url.GetEncodedLength(bytes.Length);
            Span<char> id = stackalloc char[prefix + _chars];
            Base64Url.EncodeToChars(bytes, id);
            var padded = Crc16.Compute(id[..prefix]);
            for (var i = 0; i < _chars; i++)
            {
                padded = Crc16.Update(padded, 0);
            }
            _table[(padded ^ target) & (_table.Length - 1)].CopyTo(id[prefix..]);
            return new string(id);
        }
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
