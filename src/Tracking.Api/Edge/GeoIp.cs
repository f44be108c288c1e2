using System.Net;
using MaxMind.Db;
using MaxMind.GeoIP2;
using Microsoft.Extensions.Options;

namespace Tracking.Edge;

/// <summary>
/// City and country from a MaxMind-format database (<c>Tracking:GeoIpDatabase</c>), for requests whose CDN sent
/// no trusted header. Opened once, memory-mapped; a lookup is a few tree steps with no allocation of note. The
/// address is only looked up, never kept: the session stores the city and country it yields.
/// MaxMind's own City schema (<c>city.names.en</c>, <c>country.iso_code</c>) is read with MaxMind.GeoIP2's
/// <see cref="DatabaseReader"/>; the flat GeoLite2 repackaging on npm (<c>city</c>, <c>country_code</c>) with its
/// underlying <see cref="Reader"/>.
/// </summary>
internal sealed class GeoIp : IDisposable
{
    private readonly List<DatabaseReader> _official = [];
    private readonly List<Reader> _flat = [];

    public GeoIp(IOptions<EdgeOptions> options)
    {
        foreach (var path in options.Value.GeoIpDatabase.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var reader = new Reader(path, FileAccessMode.MemoryMapped);
            if (reader.Metadata.DatabaseType.Contains("City", StringComparison.Ordinal) && reader.Metadata.DatabaseType.StartsWith("Geo", StringComparison.Ordinal))
            {
                reader.Dispose();
                _official.Add(new DatabaseReader(path, FileAccessMode.MemoryMapped));
            }
            else
            {
                _flat.Add(reader);
            }
        }
    }

    public bool Enabled => _official.Count + _flat.Count > 0;

    /// <summary>The city and upper-case ISO country of a public address; nulls when the database does not know it.</summary>
    public (string? City, string? Country) Lookup(string ip)
    {
        if (!Enabled || PublicIp.Normalize(ip) is not { } address || !IPAddress.TryParse(address, out var parsed))
        {
            return (null, null);
        }
        try
        {
            foreach (var db in _official)
            {
                if (db.TryCity(parsed, out var found) && found is not null)
                {
                    return (Clean(found.City.Name), Iso(found.Country.IsoCode));
                }
            }
            foreach (var db in _flat)
            {
                // An IPv4-only file cannot answer an IPv6 address (and says so by throwing): try the next file.
                if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && db.Metadata.IPVersion == 4)
                {
                    continue;
                }
                if (db.Find<Dictionary<string, object>>(parsed) is { } row)
                {
                    return (Clean(row.GetValueOrDefault("city") as string), Iso(row.GetValueOrDefault("country_code") as string));
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDatabaseException or ArgumentException or InvalidOperationException)
        {
            // A damaged record must cost the visitor their city, never the request.
        }
        return (null, null);
    }

    private static string? Clean(string? city) => string.IsNullOrWhiteSpace(city) || city.Length > 100 ? null : city.Trim();

    private static string? Iso(string? code) => code is { Length: 2 } && code.All(char.IsAsciiLetter) ? code.ToUpperInvariant() : null;

    public void Dispose()
    {
        _official.ForEach(d => d.Dispose());
        _flat.ForEach(d => d.Dispose());
    }
}
