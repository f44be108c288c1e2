using System.Buffers.Text;
using System.Security.Cryptography;

namespace Tracking.Storage;

/// <summary>Unguessable ids in a safe alphabet ([A-Za-z0-9_-]) so they can sit inside Redis keys.</summary>
internal static class Ids
{
    // 20 random bytes = 160 bits; drawing for a partition slot (1 in 1024) still leaves more than 128 bits.
    private const int RandomBytes = 20;

    public static string NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var id = Base64Url.EncodeToString(bytes);
            if (Partitions.IsPartitionSlot(Crc16.Slot(id)))
            {
                return id;
            }
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
