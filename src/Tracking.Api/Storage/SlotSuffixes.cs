using System.Buffers.Text;

namespace Tracking.Storage;

/// <summary>
/// Suffixes of <c>chars</c> characters, one for each value of a CRC16's low bits below <c>size</c> (a power of two),
/// so that an id can be put on a chosen slot in constant time. CRC16 (zero start, no final xor) is linear:
/// crc(prefix ‖ suffix) = crc(prefix ‖ 0…0) ⊕ crc(suffix), so the suffix is the one whose CRC is the difference
/// between the padded prefix's and the target; the bits above the table's stay as random as the prefix. No rejection
/// sampling, no CPU a client can multiply.
/// </summary>
internal sealed class SlotSuffixes
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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

    /// <summary>Characters an id made by <see cref="Append"/> from <paramref name="bytes"/> bytes has.</summary>
    public int Length(int bytes) => Base64Url.GetEncodedLength(bytes) + _chars;

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
