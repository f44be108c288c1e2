using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Tracking.Storage;

/// <summary>Unguessable ids in a safe alphabet ([A-Za-z0-9_-]) so they can sit inside Redis keys.</summary>
internal static class Ids
{
    // 20 random bytes = 160 bits (27 characters), then 2 characters that put the id on a partition slot.
    private const int RandomBytes = 20;

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
    /// A new session id on <paramref name="slot"/>, a partition slot: a known visitor's (its id sits on its first
    /// session's slot, <see cref="NewVisitorId"/>), so the session's own script counts and indexes the visit. Three
    /// suffix characters instead of two (30 characters), as the whole slot is chosen, not only its low bits.
    /// </summary>
    public static string NewSessionId(int slot)
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return ClusterSlotSuffixes.Append(bytes, PartitionSlot(slot));
    }

    /// <summary>
    /// The session id of a page load, derived under a server secret from the key the page made for it
    /// (<c>pageLoadKey</c>): a random value the page keeps in memory and sends to <c>POST /session</c> only, never to
    /// a pixel, Meta, PostHog or Stripe. A retried page load whose first answer was lost finds the session it created
    /// instead of making a second one with the same events; nobody without both the key and the secret can compute an
    /// id, so an id the page handed to a third party (its events' ids) never leads to its session.
    /// </summary>
    /// <param name="slot">A known visitor's slot, for the session to be made there (see <see cref="NewSessionId(int)"/>);
    /// a retry carries the same visitor id, so it derives the same id.</param>
    public static string PageLoadSessionId(ReadOnlySpan<byte> secret, string pageLoadKey, int? slot = null)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(pageLoadKey), mac);
        return slot is { } s ? ClusterSlotSuffixes.Append(mac[..RandomBytes], PartitionSlot(s)) : PartitionSuffixes.Append(mac[..RandomBytes], 0);
    }

    private static int PartitionSlot(int slot) => Partitions.IsPartitionSlot(slot)
        ? slot : throw new ArgumentOutOfRangeException(nameof(slot), slot, "a session id must land on a partition slot");

    // Visitor ids: 128 random bits, then 96 bits of HMAC(secret, random ‖ slot) (38 characters together), then the 3
    // characters that put the id on its first session's slot.
    private const int VisitorRandomBytes = 16;
    private const int VisitorMacBytes = 12;

    /// <summary>Characters of a visitor id the service issues.</summary>
    public static readonly int VisitorIdLength = ClusterSlotSuffixes.Length(VisitorRandomBytes + VisitorMacBytes);

    /// <summary>
    /// A new visitor's id, signed: 128 random bits and their MAC under the visitor-id secret, then 3 characters that
    /// put it on the cluster slot of its first session, so the visitor's keys (its visit count and index) are written
    /// by the session's own script: a new visitor's landing is one script, not two on two slots. The MAC covers the
    /// slot too, so no other suffix makes another valid id. Constant time, like session ids (<see cref="SlotSuffixes"/>).
    /// </summary>
    public static string NewVisitorId(ReadOnlySpan<byte> secret, string sessionId)
    {
        Span<byte> bytes = stackalloc byte[VisitorRandomBytes + VisitorMacBytes];
        RandomNumberGenerator.Fill(bytes[..VisitorRandomBytes]);
        return SignedVisitorId(secret, bytes, Crc16.Slot(sessionId));
    }

    /// <summary>
    /// Whether the service issued <paramref name="id"/> under <paramref name="secret"/>: the id is made again from its
    /// random part and its slot, and compared whole in constant time (so neither the MAC, nor a non-canonical
    /// base64 character, nor another suffix for the same slot passes).
    /// </summary>
    public static bool IsIssuedVisitorId(ReadOnlySpan<byte> secret, [NotNullWhen(true)] string? id)
    {
        if (id is null || id.Length != VisitorIdLength || !IsSafe(id, VisitorIdLength))
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[VisitorRandomBytes + VisitorMacBytes];
        var prefix = Base64Url.GetEncodedLength(bytes.Length);
        if (Base64Url.DecodeFromChars(id.AsSpan(0, prefix), bytes, out _, out var written) != OperationStatus.Done || written != bytes.Length)
        {
            return false;
        }
        var expected = SignedVisitorId(secret, bytes, Crc16.Slot(id));
        return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(id.AsSpan()), MemoryMarshal.AsBytes(expected.AsSpan()));
    }

    /// <summary><paramref name="bytes"/>' random part, its MAC written after it, on <paramref name="slot"/>.</summary>
    private static string SignedVisitorId(ReadOnlySpan<byte> secret, Span<byte> bytes, int slot)
    {
        Span<byte> input = stackalloc byte[VisitorRandomBytes + sizeof(ushort)];
        bytes[..VisitorRandomBytes].CopyTo(input);
        BinaryPrimitives.WriteUInt16BigEndian(input[VisitorRandomBytes..], (ushort)slot);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, input, mac);
        mac[..VisitorMacBytes].CopyTo(bytes[VisitorRandomBytes..]);
        return ClusterSlotSuffixes.Append(bytes, slot);
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
    public static bool IsSafe([NotNullWhen(true)] string? value, int maxLength)
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
