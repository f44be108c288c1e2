using System.Security.Cryptography;
using System.Text;

namespace Tracking.Infrastructure;

internal static class Hashing
{
    /// <summary>Lower-case hex SHA-256, as Meta expects for hashed user data.</summary>
    public static string Sha256(string value)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Meta's e-mail normalisation: trim, lower-case, then hash.</summary>
    public static string? Email(string? email) =>
        string.IsNullOrWhiteSpace(email) ? null : Sha256(email.Trim().ToLowerInvariant());

    /// <summary>
    /// Google's e-mail normalisation, then hash: trimmed, lower case, and for gmail.com and googlemail.com addresses
    /// no dots and no <c>+suffix</c> in the local part (Google treats those as the same mailbox). Null when there is
    /// no address or no local part and domain.
    /// </summary>
    public static string? GoogleEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }
        var address = email.Trim().ToLowerInvariant();
        var at = address.LastIndexOf('@');
        if (at <= 0 || at == address.Length - 1)
        {
            return null;
        }
        var (local, domain) = (address[..at], address[(at + 1)..]);
        if (domain is "gmail.com" or "googlemail.com")
        {
            var plus = local.IndexOf('+', StringComparison.Ordinal);
            local = (plus >= 0 ? local[..plus] : local).Replace(".", "", StringComparison.Ordinal);
        }
        return Sha256(local + "@" + domain);
    }

    /// <summary>A stable UUID (version 8, RFC 9562) from a name, so a retried send carries the same id.</summary>
    public static Guid StableUuid(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
