using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Events;

/// <summary>POST /signup: email_signup on the session, a server-side Lead for Meta (with em) and PostHog (Email Signup).</summary>
public sealed class SignupTests : IDisposable
{
    private readonly DeliveryApp _app = DeliveryApp.Create();

    public SignupTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private async Task<(HttpClient Client, string Sid)> SessionAsync()
    {
        var client = _app.Browser();
        return (client, (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!);
    }

    [Fact]
    public async Task A_signup_flags_the_session_and_sends_meta_lead_with_em_and_posthog_email_signup_without_identifying_anyone()
    {
        var (client, sid) = await SessionAsync();

        var response = await client.PostAsJsonAsync("/signup", new { sessionId = sid, email = "  Fan@Example.COM ", consent = true });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("duplicate").GetBoolean());
        var hash = (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("true", hash["email_signup"]);
        Assert.Equal("true", hash["email_consent"]);
        var stored = (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => v.ToString()).ToList();
        var lead = JsonDocument.Parse(Assert.Single(stored, s => s.Contains("\"Lead\"", StringComparison.Ordinal))).RootElement;
        Assert.Equal("email_capture", lead.GetProperty("step").GetString());
        // The address is never stored, in any form, in the session.
        Assert.DoesNotContain(stored, s => s.Contains("example.com", StringComparison.OrdinalIgnoreCase) || s.Contains(Sha256("fan@example.com"), StringComparison.Ordinal));

        await _app.RunRoundsAsync();
        var meta = Assert.Single(_app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() == "Lead");
        Assert.Equal(body.GetProperty("eventId").GetString(), meta.GetProperty("event_id").GetString());
        Assert.Equal("website", meta.GetProperty("action_source").GetString());
        Assert.Equal([Sha256("fan@example.com")], meta.GetProperty("user_data").GetProperty("em").EnumerateArray().Select(e => e.GetString()));
        var posthog = _app.PostHogEventsDelivered();
        var signup = Assert.Single(posthog, e => e.GetProperty("event").GetString() == "Email Signup");
        Assert.Equal("email_capture", signup.GetProperty("properties").GetProperty("step").GetString());
        // A typed address identifies nobody in PostHog: its merges are permanent, and anyone can type anyone's address.
        Assert.DoesNotContain(posthog, e => e.GetProperty("event").GetString() == "$identify");
    }

    [Fact]
    public async Task The_same_address_twice_is_one_lead()
    {
        var (client, sid) = await SessionAsync();

        await client.PostAsJsonAsync("/signup", new { sessionId = sid, email = "fan@example.com" });
        var again = await client.PostAsJsonAsync("/signup", new { sessionId = sid, email = "FAN@example.com", consent = false });

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean());
        Assert.Equal("false", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "email_consent"));
        await _app.RunRoundsAsync();
        Assert.Single(_app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() == "Lead");
    }

    [Theory]
    [InlineData("""{"sessionId":"SID","email":"not an email"}""", "email")]
    [InlineData("""{"sessionId":"SID","email":"a@b"}""", "email")]
    [InlineData("""{"sessionId":"SID","email":"a@@b.example"}""", "email")]
    [InlineData("""{"sessionId":"SID"}""", "email")]
    [InlineData("""{"sessionId":"SID","email":7}""", "email")]
    [InlineData("""{"email":"fan@example.com"}""", "sessionId")]
    [InlineData("""{"sessionId":"SID","email":"fan@example.com","url":"javascript:alert(1)"}""", "url")]
    [InlineData("""{"sessionId":"SID","email":"fan@example.com","referrer":"film.example/watch"}""", "referrer")]
    public async Task Bad_signups_are_problems_naming_the_field_and_write_nothing(string json, string field)
    {
        var (client, sid) = await SessionAsync();

        var response = await client.PostJsonAsync("/signup", json.Replace("SID", sid, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.True(problem.TryGetProperty("errors", out var errors) ? errors.TryGetProperty(field, out _) : problem.GetRawText().Contains(field, StringComparison.Ordinal));
        Assert.False(await _app.Db.HashExistsAsync(Keys.Session(sid), "email_signup"));
    }

    [Fact]
    public async Task A_signup_for_an_unknown_session_is_404()
    {
        var response = await _app.Browser().PostAsJsonAsync("/signup", new { sessionId = "AAAAAAAAAAAAAAAAAAAAAAAAAA", email = "fan@example.com" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("Lead")]
    [InlineData("lead")]
    [InlineData("Email Signup")]
    [InlineData("email_signup")]
    public async Task Lead_from_the_browser_is_refused_like_purchase(string name)
    {
        var (client, sid) = await SessionAsync();

        var response = await client.PostAsJsonAsync("/events", new { sessionId = sid, @event = name });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("event", (await response.ProblemAsync()).GetProperty("field").GetString());
    }
}
