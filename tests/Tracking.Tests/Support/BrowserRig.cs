using Microsoft.Playwright;

namespace Tracking.Tests.Support;

/// <summary>
/// What every browser test starts: the demo site, the service on Kestrel with the site as an allowed origin (the
/// site's pages call it by its real address), and headless Chromium. Disposed in reverse; the service's dispose
/// fails the test on unexpected error logs or unmatched outbound requests.
/// </summary>
public sealed class BrowserRig : IAsyncDisposable
{
    private IPlaywright? _playwright;

    private BrowserRig(DemoSite site, DeliveryApp app)
    {
        Site = site;
        App = app;
    }

    public DemoSite Site { get; }

    public DeliveryApp App { get; }

    public IBrowser Browser { get; private set; } = null!;

    /// <param name="settings">More configuration, given the started site (its URL goes into Stripe and donation settings).</param>
    /// <param name="stubs">Destination stubs to set before the service starts.</param>
    public static async Task<BrowserRig> StartAsync(Func<DemoSite, Dictionary<string, string?>>? settings = null, Action<DeliveryApp>? stubs = null)
    {
        var site = await DemoSite.StartAsync();
        var config = settings?.Invoke(site) ?? [];
        config["Tracking:AllowedOrigins:0"] = site.Url;
        var rig = new BrowserRig(site, DeliveryApp.Create(config, realClock: true));
        try
        {
            stubs?.Invoke(rig.App);
            rig.App.UseKestrel(0);
            rig.App.StartServer();
            site.TrackingUrl = rig.App.ClientOptions.BaseAddress.ToString().TrimEnd('/');
            (rig._playwright, rig.Browser) = await Chromium.LaunchAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Browser is not null)
            {
                await Browser.DisposeAsync();
            }
            _playwright?.Dispose();
            await App.DisposeAsync();
        }
        finally
        {
            await Site.DisposeAsync();
        }
    }
}
