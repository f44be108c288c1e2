using System.Net;
using System.Text;
using CsCheck;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

/// <summary>
/// Property-based: generated malformed JSON, wrong types, huge strings, deep nesting, odd Unicode, invalid ids and
/// hostile headers against every public endpoint → always a 4xx problem+json, never 5xx, and nothing written.
/// </summary>
public sealed class HostileInputTests : SharedAppTests<HostileInputTests.Fixture>
{
    private readonly string _sid;

    public HostileInputTests(Fixture app)
        : base(app)
    {
        _sid = app.Browser().NewSessionAsync().GetAwaiter().GetResult().GetProperty("sessionId").GetString()!;
    }

    public sealed class Fixture() : TrackingApp(new()
    {
        ["Stripe:SecretKey"] = "sk_test_unused",
        ["Stripe:WebhookSecret"] = StripeSigner.Secret,
        ["Stripe:ApiBase"] = "http://127.0.0.1:9",
    }, isolated: true);

    private static readonly string[] Paths = ["/session", "/events", "/checkout", "/stripe/webhook"];

    private static readonly Gen<string> OddText = Gen.OneOf(
        Gen.String,
        Gen.Char.Array[0, 200].Select(c => new string(c)),
        Gen.Const("\u0000\u202e\ud83d\ude00{}\"\\"),
        Gen.Int[1, 200_000].Select(n => new string('x', n)),
        Gen.Const("{SID}"), Gen.Const("sess:{x}"), Gen.Const("../../etc/passwd"), Gen.Const("<script>alert(1)</script>"));

    private static readonly Gen<string> JsonValue = Gen.OneOf(
        OddText.Select(s => System.Text.Json.JsonSerializer.Serialize(s)),
        Gen.Long.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1e999"),
        Gen.Const("true"), Gen.Const("null"), Gen.Const("[]"), Gen.Const("{}"),
        Gen.Int[1, 5000].Select(n => new string('[', n) + new string(']', n)),
        Gen.Int[1, 3000].Select(n => string.Concat(Enumerable.Repeat("{\"a\":", n)) + "1" + new string('}', n)));

    private static readonly string[] Fields = ["url", "sessionId", "visitorId", "event", "eventId", "timestamp", "properties", "events", "utm", "consent", "amount", "currency", "email", "content", "referrer", "fbclid"];

    private static readonly Gen<string> Body = Gen.OneOf(
        OddText,
        Gen.Select(Gen.Int[0, Fields.Length - 1].Array[1, 6], JsonValue.Array[6], (names, values) =>
            "{" + string.Join(",", names.Select((n, i) => $"\"{Fields[n]}\":{values[i % values.Length]}")) + "}"),
        JsonValue);

    [Fact]
    public async Task Generated_hostile_bodies_get_4xx_problems_and_write_nothing()
    {
        var client = App.CreateClient();
        var before = KeyCount();
        await Gen.Select(Gen.Int[0, Paths.Length - 1], Body, OddText).SampleAsync(async t =>
        {
            var (path, body, header) = t;
            using var request = new HttpRequestMessage(HttpMethod.Post, Paths[path]) { Content = new StringContent(body.Replace("{SID}", _sid, StringComparison.Ordinal), Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Stripe-Signature", header);
            request.Headers.TryAddWithoutValidation("CF-IPCountry", header);
            request.Headers.TryAddWithoutValidation("User-Agent", header);
            var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{Paths[path]} answered {status} to {Shorten(body)}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }, iter: 300);

        Assert.Equal(before, KeyCount());
    }

    [Fact]
    public async Task Ids_used_in_keys_accept_only_a_safe_alphabet()
    {
        var client = App.Browser();
        await Gen.String[1, 80].Where(s => s.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or ':'))).SampleAsync(async id =>
        {
            var json = System.Text.Json.JsonSerializer.Serialize(id);
            var events = await client.PostJsonAsync("/events", $$"""{"sessionId":{{json}},"event":"PageView"}""");
            var view = await client.GetAsync("/session/" + Uri.EscapeDataString(id));
            Assert.Equal(HttpStatusCode.BadRequest, events.StatusCode);
            Assert.True(view.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"GET /session/{id} answered {view.StatusCode}");
        }, iter: 200);
    }

    // Summed over every master, so "nothing written" is checked on a cluster too (one node's count would compare 0 == 0).
    private long KeyCount() => RedisServer.Shared.DatabaseSize(App.Database);

    private static string Shorten(string s) => s.Length > 120 ? s[..120] + "…" : s;
}
