using System.Net;
using System.Net.Sockets;

namespace Tracking.Edge;

/// <summary>
/// A visitor address fit to hand to a destination: parsed (ports and brackets stripped, IPv4-mapped IPv6 back to
/// IPv4, IPv6 kept as IPv6), and only when it is a public unicast address. Private, loopback, link-local,
/// unique-local, CGNAT, multicast and unspecified addresses say nothing about the visitor and are dropped.
/// </summary>
internal static class PublicIp
{
    public static string? Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 64)
        {
            return null;
        }
        var text = raw.Trim();
        if (!IPAddress.TryParse(text, out var ip))
        {
            // "1.2.3.4:80", "[2001:db8::1]:443": an endpoint, not an address.
            if (!IPEndPoint.TryParse(text, out var endpoint))
            {
                return null;
            }
            ip = endpoint.Address;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            ip.ScopeId = 0;
        }
        return IsPublic(ip) ? ip.ToString() : null;
    }

    public static bool IsPublic(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.Equals(IPAddress.Broadcast))
        {
            return false;
        }
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)      // CGNAT 100.64/10
                || (b[0] == 169 && b[1] == 254)                     // link-local
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168));
        }
        if (ip.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = ip.GetAddressBytes();
            return !(ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6Multicast || ip.IsIPv6UniqueLocal
                || (b[0] == 0 && b[1] == 0));  // ::/16 (unspecified, compat, mapped leftovers)
        }
        return false;
    }
}
