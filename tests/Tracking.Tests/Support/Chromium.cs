using Microsoft.Playwright;

namespace Tracking.Tests.Support;

/// <summary>Debian's chromium driven by Playwright (browser downloads are impossible here; test.sh installs it).</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>A desktop Chrome User-Agent: headless Chromium's own says "HeadlessChrome", which we rightly treat as a bot.</summary>
    public const string DesktopChrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException("Chromium is not installed: run ./test.sh (it installs Debian's chromium).");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Root in a container needs --no-sandbox; the rest keep Chromium off the (closed) network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    /// <summary>Screenshots are kept as test artifacts in {repo}/artifacts.</summary>
    /// <summary>The session id the snippet keeps in localStorage, once it has one.</summary>
    public static async Task<string> SessionIdAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.tracking && localStorage.getItem('trk_sid')");
        var raw = await page.EvaluateAsync<string>("() => localStorage.getItem('trk_sid')");
        return System.Text.Json.JsonDocument.Parse(raw).RootElement.GetProperty("v").GetString()!;
    }

    public static string ArtifactPath(string name)
    {
        var root = RepoFiles.Root;
        var dir = Path.Combine(root, "artifacts");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }
}
