using System.Security.Cryptography;
using Tracking.Storage;

namespace Tracking.Tests.Storage;

/// <summary>A visitor id verifies only exactly as the service issued it, under its secret.</summary>
public sealed class VisitorIdTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    [Fact]
    public void An_issued_id_verifies_under_its_secret_only()
    {
        var id = Ids.NewVisitorId(Secret, Ids.NewSessionId());

        Assert.True(Ids.IsIssuedVisitorId(Secret, id));
        Assert.False(Ids.IsIssuedVisitorId(RandomNumberGenerator.GetBytes(32), id));
    }

    [Fact]
    public void Any_one_character_changed_fails()
    {
        var id = Ids.NewVisitorId(Secret, Ids.NewSessionId());

        for (var i = 0; i < id.Length; i++)
        {
            foreach (var c in Alphabet.Where(c => c != id[i]))
            {
                var altered = id[..i] + c + id[(i + 1)..];
                Assert.False(Ids.IsIssuedVisitorId(Secret, altered), $"{altered} verified");
            }
        }
    }

    [Fact]
    public void Another_suffix_for_the_same_slot_or_another_slot_fails()
    {
        var id = Ids.NewVisitorId(Secret, Ids.NewSessionId());
        var prefix = id[..^3];
        var slot = Crc16.Slot(id);
        // Suffixes other than the issued one, on the same slot (16 of the 262 144 reach each slot) and on other slots.
        var (sameSlot, otherSlots) = (new List<string>(), new List<string>());
        for (var n = 0; n < 64 * 64 * 64 && (sameSlot.Count < 8 || otherSlots.Count < 32); n++)
        {
            var suffix = new string([Alphabet[n % 64], Alphabet[n / 64 % 64], Alphabet[n / 4096]]);
            var candidate = prefix + suffix;
            if (candidate == id)
            {
                continue;
            }
            if (Crc16.Slot(candidate) == slot && sameSlot.Count < 8)
            {
                sameSlot.Add(candidate);
            }
            else if (n % 997 == 0 && otherSlots.Count < 32)
            {
                otherSlots.Add(candidate);
            }
        }
        var others = sameSlot.Concat(otherSlots).ToList();

        Assert.Contains(others, o => Crc16.Slot(o) == slot);
        Assert.All(others, o => Assert.False(Ids.IsIssuedVisitorId(Secret, o), $"{o} verified"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v0123456789abcdef")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA{x}")]
    public void Made_up_ids_fail(string? id) => Assert.False(Ids.IsIssuedVisitorId(Secret, id));
}
