using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tracking.Tests.Support;

/// <summary>A visitor walking a journey: its browser's client, its session and its visitor id.</summary>
public sealed record Walker(HttpClient Client, string SessionId, string VisitorId);

/// <summary>
/// Journeys for the report tests, through the public endpoints and the signed Stripe webhook. Each step moves the
/// app's clock first, so landings, touches, events and payments happen in the order written, all on one day.
/// </summary>
public sealed class ReportJourneys
{
    private readonly DeliveryApp _app;

    public ReportJourneys(DeliveryApp app)
    {
        _app = app;
        Ops = app.CreateClient();
        Ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OpsKey.Value);
        var now = app.Clock.GetUtcNow();
        Range = $"from={now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&to={now.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
    }

    /// <summary>A client holding the ops key, to read the reports.</summary>
    public HttpClient Ops { get; }

    /// <summary>The <c>from</c>/<c>to</c> query that covers the journeys' day.</summary>
    public string Range { get; }

    public async Task<Walker> LandAsync(string query)
    {
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        var client = _app.Browser();
        var created = await client.NewSessionAsync(url: "https://film.example/watch" + query);
        return new(client, created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
    }

    /// <summary>The visitor comes back, hours later, through <paramref name="query"/>'s campaign.</summary>
    public async Task TouchAsync(Walker v, string query)
    {
        _app.Clock.Advance(TimeSpan.FromHours(5));
        var response = await v.Client.PostAsJsonAsync("/session", new { url = "https://film.example/" + query, sessionId = v.SessionId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task EventsAsync(Walker v, params string[] events)
    {
        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        var response = await v.Client.PostJsonAsync("/events", $$"""{"sessionId":"{{v.SessionId}}","events":[{{string.Join(",", events)}}]}""");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public async Task CheckoutAsync(Walker v, int amount, string currency)
    {
        _app.Clock.Advance(TimeSpan.FromMinutes(3));
        var response = await v.Client.PostAsJsonAsync("/checkout", new { sessionId = v.SessionId, amount, currency });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>Stripe reports the checkout paid; <paramref name="amount"/> in major units.</summary>
    public async Task WebhookAsync(Walker v, string checkoutId, int amount, string currency)
    {
        _app.Clock.Advance(TimeSpan.FromMinutes(4));
        var payload = StripeSigner.CheckoutEvent("evt_" + checkoutId, "checkout.session.completed", checkoutId, v.SessionId, "paid",
            amount * 100, currency, _app.Clock.GetUtcNow(), visitorId: v.VisitorId);
        var response = await _app.DeliverWebhookAsync(payload);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task DonateAsync(Walker v, string checkoutId, int amount, string currency = "usd")
    {
        await CheckoutAsync(v, amount, currency);
        await WebhookAsync(v, checkoutId, amount, currency);
    }

    /// <summary>An attribution report's rows as <c>key:donations:CUR=revenue,…</c>, in the report's order.</summary>
    public static string[] Rows(JsonElement report) => report.GetProperty("rows").EnumerateArray().Select(r =>
        $"{r.GetProperty("key").GetString()}:{r.GetProperty("donations").GetDouble().ToString(CultureInfo.InvariantCulture)}:" +
        string.Join(",", r.GetProperty("revenue").EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name.ToUpperInvariant()}={p.Value.GetDecimal().ToString(CultureInfo.InvariantCulture)}"))).ToArray();
}
