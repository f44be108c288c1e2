using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>No secret, raw e-mail or IP address reaches any log line, at every level, across the whole journey.</summary>
public sealed class LogSafetyTests
{
    [Fact]
    public async Task A_whole_journey_logs_no_secret_email_or_ip()
    {
        using var app = DeliveryApp.CreateWithStripe();
        using var logged = app.WithWebHostBuilder(b => b
            .UseSetting("Tracking:TrustedProxies:0", "0.0.0.0/0")
            .UseSetting("Logging:LogLevel:Default", "Trace"));
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = logged.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.77");
        client.DefaultRequestHeaders.UserAgent.ParseAdd(ApiCalls.IphoneSafari);
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;
        await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","event":"PageView"}""");
        await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25, email = "secret.donor@example.com" });
        var payload = StripeSigner.CheckoutEvent("evt_log", "checkout.session.completed", "cs_log", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), "secret.donor@example.com");
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload) };
        webhook.Headers.Add("Stripe-Signature", StripeSigner.Sign(payload, app.Clock.GetUtcNow()));
        await logged.CreateClient().SendAsync(webhook);
        await logged.CreateClient().GetAsync("/ops/deliveries?state=dead");
        await logged.Services.GetRequiredService<Tracking.Delivery.OutboxWorker>().DrainAllOnceAsync(CancellationToken.None);

        // Every record the app's FakeLogCollector holds, with its structured values, scopes and exception.
        var lines = app.Logs.GetSnapshot().Select(Line).ToList();
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Level == LogLevel.Trace || r.Level == LogLevel.Debug); // Trace really was on
        Assert.NotEmpty(lines);
        string[] forbidden = ["203.0.113.77", "secret.donor@example.com", "meta-secret-token", "phc_test_key", "sk_test_secret_never_logged", StripeSigner.Secret, OpsKey.Value];
        foreach (var line in lines)
        {
            foreach (var secret in forbidden)
            {
                Assert.False(line.Contains(secret, StringComparison.OrdinalIgnoreCase), $"log line leaks '{secret}': {line}");
            }
        }
    }

    private static string Line(FakeLogRecord r)
    {
        var values = string.Join(";", r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? []);
        var scopes = string.Join(" | ", r.Scopes.Select(scope => scope is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}"))
            : scope?.ToString()));
        return $"{r.Level} {r.Category}: {r.Message} [{values}] scopes: {scopes} {r.Exception}";
    }
}
