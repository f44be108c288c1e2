namespace Tracking.Storage;

/// <summary>CRC16-CCITT (XMODEM), the function Redis Cluster uses to map a key to one of 16384 slots.</summary>
internal static class Crc16
{
    private static readonly ushort[] Table = BuildTable();

    public static int Slot(ReadOnlySpan<char> hashTag)
    {
        ushort crc = 0;
        foreach (var ch in hashTag)
        {
            // Tags we hash are ASCII (ids use a safe alphabet), so one byte per char is exact.
            crc = (ushort)((crc << 8) ^ Table[((crc >> 8) ^ (byte)ch) & 0xFF]);
        }
        return crc & 16383;
    }

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
