namespace Tracking.Storage;

/// <summary>CRC16-CCITT (XMODEM), the function Redis Cluster uses to map a key to one of 16384 slots.</summary>
internal static class Crc16
{
    private static readonly ushort[] Table = BuildTable();

    public static int Slot(ReadOnlySpan<char> hashTag) => Compute(hashTag) & 16383;

    /// <summary>The full 16-bit CRC of an ASCII string (ids use a safe alphabet, so one byte per char is exact).</summary>
    public static ushort Compute(ReadOnlySpan<char> text)
    {
        ushort crc = 0;
        foreach (var ch in text)
        {
            crc = Update(crc, (byte)ch);
        }
        return crc;
    }

    /// <summary>The CRC after one more byte.</summary>
    public static ushort Update(ushort crc, byte value) => (ushort)((crc << 8) ^ Table[((crc >> 8) ^ value) & 0xFF]);

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)(i << 8);
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
            table[i] = crc;
        }
        return table;
    }
}
