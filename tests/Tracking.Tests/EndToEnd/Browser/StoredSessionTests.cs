using System.Text.Json;
using Microsoft.Playwright;
using Tracking.Tests.Support;

namespace Tracking.Tests.EndToEnd.Browser;

/// <summary>
/// The snippet keeps the session id exactly as long as the server keeps the session: the localStorage record's
/// expiry is the <c>expiresAt</c> that POST /session answered (the service runs with a non-default 2-day TTL, so a
/// hard-coded 7 days would show), and a later page load moves it to that load's answer.
/// </summary>
public sealed class StoredSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(2);

    private BrowserRig _rig = null!;

    public async Task InitializeAsync() => _rig = await BrowserRig.StartAsync(_ => new() { ["Tracking:SessionTtlDays"] = "2" });

    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_stored_session_id_expires_when_the_server_said_on_every_page_load()
    {
        var page = await _rig.Browser.NewPageAsync(new() { UserAgent = Chromium.DesktopChrome });
        // The snippet turns expiresAt into a TTL and back (two Date.now() calls): with the page's clock held still
        // the round trip is exact, so the record can be compared to the millisecond. Timers keep running.
        await page.Clock.SetFixedTimeAsync(DateTime.UtcNow);

        var first = await LoadAsync(page, () => page.GotoAsync(_rig.Site.Url + "/app.html"));
        var sid = first.GetProperty("sessionId").GetString()!;
        var stored = await StoredAsync(page, sid, first.GetProperty("expiresAt").GetInt64());
        // The answer is the server's TTL from now: between one and three days ahead distinguishes 2 days from 7
        // without timing anything.
        var ahead = TimeSpan.FromMilliseconds(stored.Expires - await page.EvaluateAsync<long>("() => Date.now()"));
        Assert.InRange(ahead, Ttl - TimeSpan.FromDays(1), Ttl + TimeSpan.FromDays(1));

        var second = await LoadAsync(page, () => page.ReloadAsync());
        Assert.Equal(sid, second.GetProperty("sessionId").GetString());
        Assert.False(second.GetProperty("isNew").GetBoolean());
        await StoredAsync(page, sid, second.GetProperty("expiresAt").GetInt64());
        Assert.True(second.GetProperty("expiresAt").GetInt64() >= first.GetProperty("expiresAt").GetInt64(), "a touch never shortens the session");
    }

    /// <summary>The body of the POST /session a navigation makes.</summary>
    private static async Task<JsonElement> LoadAsync(IPage page, Func<Task> navigate)
    {
        var response = page.WaitForResponseAsync(r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/session");
        await navigate();
        return (await (await response).JsonAsync())!.Value;
    }

    /// <summary>The localStorage record once it holds <paramref name="sid"/> with expiry <paramref name="expiresAt"/> (waited for within a bound), else the record as it is, which then fails the comparison.</summary>
    private static async Task<(string Id, long Expires)> StoredAsync(IPage page, string sid, long expiresAt)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "([sid, at]) => { const r = JSON.parse(localStorage.getItem('trk_sid') || 'null'); return r && r.v === sid && r.e === at; }",
                new object[] { sid, expiresAt }, new() { Timeout = 20_000 });
        }
        catch (TimeoutException)
        {
            // Compared below, so the failure shows what was stored.
        }
        var raw = JsonDocument.Parse(await page.EvaluateAsync<string>("() => localStorage.getItem('trk_sid')")).RootElement;
        Assert.Equal(sid, raw.GetProperty("v").GetString());
        Assert.Equal(expiresAt, raw.GetProperty("e").GetInt64());
        return (sid, raw.GetProperty("e").GetInt64());
    }
}
