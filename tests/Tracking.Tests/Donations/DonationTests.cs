using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Donations;

/// <summary>Stripe.net runs for real against a WireMock stand-in for Stripe's API; webhooks are signed as Stripe signs them.</summary>
public sealed class DonationTests : IDisposable
{
    private const string CheckoutPath = DeliveryApp.CheckoutPath;
    // The currencies the theories below use (the default allows Donations:Currency only).
    private readonly DeliveryApp _app = DeliveryApp.CreateWithStripe(new()
    {
        ["Donations:Currencies:0"] = "usd", ["Donations:Currencies:1"] = "eur", ["Donations:Currencies:2"] = "jpy", ["Donations:Currencies:3"] = "kwd",
    });

    public DonationTests()
    {
        _app.StubMetaOk();
        _app.StubPostHogOk();
    }

    public void Dispose() => _app.Dispose();

    private async Task<(HttpClient Client, string Id, string Visitor)> SessionAsync()
    {
        var client = _app.Browser();
        var created = await client.NewSessionAsync();
        return (client, created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
    }

    private Task<HttpResponseMessage> DeliverAsync(string payload, DateTimeOffset? signedAt = null, string secret = StripeSigner.Secret) =>
        _app.DeliverWebhookAsync(payload, signedAt, secret);

    private string Paid(string sid, string visitor, string eventId = "evt_1", string type = "checkout.session.completed", string status = "paid") =>
        StripeSigner.CheckoutEvent(eventId, type, "cs_test_a1", sid, status, 2500, "usd", _app.Clock.GetUtcNow(), " Donor@Example.COM ", visitor);

    [Fact]
    public async Task Only_well_formed_cookies_travel_in_stripe_metadata_so_an_over_long_one_cannot_fail_the_checkout()
    {
        var client = _app.Browser();
        // Accepted by POST /session (fbc up to 512 characters), but more than Stripe's 500 per metadata value.
        var longFbc = "fb.1.1700000000123." + new string('A', 490);
        var created = await client.NewSessionAsync(url: "https://film.example/watch?fbclid=IwAR_ok", extra: new { fbc = longFbc, fbp = "not-a-cookie" });
        var sid = created.GetProperty("sessionId").GetString()!;
        var longClick = await client.NewSessionAsync(url: "https://film.example/watch?fbclid=" + new string('B', 490));
        var sid2 = longClick.GetProperty("sessionId").GetString()!;

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid2, amount = 25 })).StatusCode);

        var forms = _app.Calls(CheckoutPath).Select(c => System.Web.HttpUtility.ParseQueryString(c.RequestMessage.Body!)).ToDictionary(f => f["metadata[session_id]"]!);
        Assert.Equal("fb.1." + (await _app.Db.HashGetAsync(Keys.Session(sid), "fbclid_first_seen")) + ".IwAR_ok", forms[sid]["metadata[fbc]"]);
        Assert.Null(forms[sid]["metadata[fbp]"]);
        Assert.Null(forms[sid2]["metadata[fbc]"]);
        Assert.All(forms.Values.SelectMany(f => f.AllKeys.Where(k => k!.StartsWith("metadata[", StringComparison.Ordinal)).Select(k => f[k]!)), v => Assert.True(v.Length <= 500));
    }

    [Fact]
    public async Task A_double_click_sends_the_same_idempotency_key()
    {
        var (client, sid, _) = await SessionAsync();

        await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });
        await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });

        var keys = _app.Calls(CheckoutPath).Select(c => c.RequestMessage.Headers!["Idempotency-Key"].Single()).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], keys[1]);
        Assert.Single(await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid)));
    }

    [Theory]
    [InlineData("jpy", 2500, "2500")]
    [InlineData("usd", 25, "2500")]
    [InlineData("eur", 10.05, "1005")]
    [InlineData("kwd", 12.34, "12340")]
    public async Task Amounts_are_sent_in_the_currencys_minor_units(string currency, decimal amount, string minor)
    {
        var (client, sid, _) = await SessionAsync();

        var response = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount, currency });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(_app.Calls(CheckoutPath).Single().RequestMessage.Body!);
        Assert.Equal(minor, form["line_items[0][price_data][unit_amount]"]);
    }

    [Theory]
    [InlineData("""{"sessionId":"SID","amount":0.5}""", "amount")]
    [InlineData("""{"sessionId":"SID","amount":20000}""", "amount")]
    [InlineData("""{"sessionId":"SID","amount":25.5,"currency":"jpy"}""", "amount")]
    [InlineData("""{"sessionId":"SID","amount":"25"}""", "amount")]
    [InlineData("""{"sessionId":"SID","amount":25,"currency":"dollars"}""", "currency")]
    [InlineData("""{"sessionId":"SID","amount":25,"email":"not an email"}""", "email")]
    [InlineData("""{"sessionId":"SID","amount":25,"email":"a@b"}""", "email")]            // the rule /signup applies: a dotted domain
    [InlineData("""{"sessionId":"SID","amount":25,"email":"a@@b.example"}""", "email")]
    [InlineData("""{"sessionId":"SID","amount":25,"email":"<a@b.example>"}""", "email")]
    [InlineData("""{"amount":25}""", "sessionId")]
    public async Task Bad_checkout_requests_are_problems_and_never_reach_stripe(string body, string field)
    {
        var (client, sid, _) = await SessionAsync();

        var response = await client.PostJsonAsync("/checkout", body.Replace("SID", sid, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ProblemAsync()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(_app.Calls(CheckoutPath));
    }

    [Fact]
    public async Task Checkout_without_a_stripe_key_is_503_and_calls_nobody()
    {
        using var app = new TrackingApp();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        var response = await client.PostJsonAsync("/checkout", $$$"""{"sessionId":"{{{sid}}}","amount":25}""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await response.ProblemAsync();
        Assert.False(await app.Db.HashExistsAsync(Keys.Session(sid), "donation_initiated"));
    }

    [Fact]
    public async Task Checkout_for_an_unknown_session_is_404()
    {
        var response = await _app.Browser().PostJsonAsync("/checkout", """{"sessionId":"AAAAAAAAAAAAAAAAAAAAAAAAAA","amount":25}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_app.Calls(CheckoutPath));
    }

    [Fact]
    public async Task Stripe_down_is_a_502_without_secrets_and_nothing_is_written()
    {
        _app.ExpectErrors("Tracking.Donations", "Stripe answers 500 on purpose; the failed checkout creation is logged as an error");
        _app.Stub.Given(Request.Create().WithPath(CheckoutPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(500).WithBodyAsJson(new { error = new { type = "api_error", message = "internal detail sk_live_leak" } }));
        var (client, sid, _) = await SessionAsync();

        var response = await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("sk_", text, StringComparison.Ordinal);
        Assert.DoesNotContain("internal detail", text, StringComparison.Ordinal);
        Assert.False(await _app.Db.HashExistsAsync(Keys.Session(sid), "donation_initiated"));
        Assert.False(await _app.Db.KeyExistsAsync(Keys.Events(sid)));
    }

    [Fact]
    public async Task A_paid_checkout_converts_the_session_and_sends_purchase_with_value()
    {
        var (client, sid, visitor) = await SessionAsync();
        await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 });
        _app.Clock.Advance(TimeSpan.FromMinutes(4));
        await _app.RunRoundsAsync();
        var paidAt = _app.Clock.GetUtcNow();

        var response = await DeliverAsync(Paid(sid, visitor));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hash = (await _app.Db.HashGetAllAsync(Keys.Session(sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("true", hash["donation_completed"]);
        Assert.Equal("25", hash["donation_amount"]);
        Assert.Equal("usd", hash["donation_currency"]);
        Assert.Equal("guest", hash["checkout_type"]);
        Assert.InRange(long.Parse(hash["time_to_conversion"], System.Globalization.CultureInfo.InvariantCulture), 4 * 60_000 - 1000, 5 * 60_000);
        var events = (await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid))).Select(v => JsonDocument.Parse(v.ToString()).RootElement.GetProperty("event").GetString()).ToList();
        Assert.Equal(["InitiateCheckout", "Purchase"], events);

        await _app.RunRoundsAsync();
        var purchase = _app.MetaEventsDelivered().Single(e => e.GetProperty("event_name").GetString() == "Purchase");
        Assert.Equal("cs_test_a1", purchase.GetProperty("event_id").GetString());
        Assert.Equal(25m, purchase.GetProperty("custom_data").GetProperty("value").GetDecimal());
        Assert.Equal("USD", purchase.GetProperty("custom_data").GetProperty("currency").GetString());
        // sha256("donor@example.com"): trimmed and lower-cased before hashing.
        Assert.Equal(Sha256("donor@example.com"), purchase.GetProperty("user_data").GetProperty("em")[0].GetString());
        Assert.Equal(paidAt.ToUnixTimeSeconds(), purchase.GetProperty("event_time").GetInt64());
        Assert.Equal("https://film.example/thank-you?cs=cs_test_a1", purchase.GetProperty("event_source_url").GetString());
        Assert.Equal(ApiCalls.IphoneSafari, purchase.GetProperty("user_data").GetProperty("client_user_agent").GetString());
        var donation = _app.PostHogEventsDelivered().Single(e => e.GetProperty("event").GetString() == "Donation Completed");
        Assert.Equal(25m, donation.GetProperty("properties").GetProperty("value").GetDecimal());
        Assert.Equal(visitor, donation.GetProperty("distinct_id").GetString());
    }

    [Fact]
    public async Task The_same_event_delivered_three_times_concurrently_converts_once()
    {
        var (client, sid, visitor) = await SessionAsync();
        var payload = Paid(sid, visitor);

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => DeliverAsync(payload)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var outcomes = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString()));
        Assert.Equal(1, outcomes.Count(o => o == "converted"));
        await _app.RunRoundsAsync();
        Assert.Single(_app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() == "Purchase");
        Assert.Single(_app.PostHogEventsDelivered(), e => e.GetProperty("event").GetString() == "Donation Completed");
        Assert.Single(await _app.Db.SortedSetRangeByRankAsync(Keys.Events(sid)));
    }

    [Fact]
    public async Task Completed_unpaid_then_async_success_converts_once_in_either_order()
    {
        var (_, sid, visitor) = await SessionAsync();
        var unpaid = Paid(sid, visitor, "evt_a", status: "unpaid");
        var succeeded = Paid(sid, visitor, "evt_b", "checkout.session.async_payment_succeeded");
        var paidLater = Paid(sid, visitor, "evt_c", status: "paid");

        // Out of order: the success arrives first, then the (unpaid) completion, then a paid completion.
        await DeliverAsync(succeeded);
        await DeliverAsync(unpaid);
        await DeliverAsync(paidLater);

        Assert.Equal("true", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "donation_completed"));
        await _app.RunRoundsAsync();
        Assert.Single(_app.MetaEventsDelivered(), e => e.GetProperty("event_name").GetString() == "Purchase");
    }

    [Fact]
    public async Task A_payment_after_the_session_expired_still_sends_purchase_and_is_kept_unattributed()
    {
        var (_, sid, visitor) = await SessionAsync();
        await _app.Db.KeyDeleteAsync([Keys.Session(sid), Keys.Client(sid), Keys.Touches(sid)]);

        var response = await DeliverAsync(Paid(sid, visitor));

        Assert.Equal("converted-unattributed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.False(await _app.Db.KeyExistsAsync(Keys.Session(sid)));
        await _app.RunRoundsAsync();
        var purchase = _app.MetaEventsDelivered().Single();
        Assert.Equal(Sha256(visitor.ToLowerInvariant()), purchase.GetProperty("user_data").GetProperty("external_id")[0].GetString());
        Assert.Equal(25m, purchase.GetProperty("custom_data").GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task Expired_and_failed_checkouts_are_recorded_without_a_purchase()
    {
        var (_, sid, visitor) = await SessionAsync();

        await DeliverAsync(Paid(sid, visitor, "evt_x", "checkout.session.expired", "unpaid"));

        Assert.Equal("expired", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "donation_status"));
        Assert.False(await _app.Db.HashExistsAsync(Keys.Session(sid), "donation_completed"));
        await _app.RunRoundsAsync();
        Assert.Empty(_app.MetaEventsDelivered());
    }

    [Fact]
    public async Task A_correctly_signed_but_malformed_event_is_a_400_not_a_500()
    {
        // Found by fuzz/run.sh: Stripe.net parses with System.Text.Json, whose reader exceptions were not handled.
        var response = await DeliverAsync("""{"id":"evt_1","object":"event","type":"checkout.session.completed","data":{"object":{"id":"cs_1",}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("body", (await response.ProblemAsync()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Other_event_types_are_acknowledged_and_ignored()
    {
        var payload = """{"id":"evt_o","object":"event","api_version":"2020-08-27","created":1700000000,"type":"customer.created","data":{"object":{"id":"cus_1","object":"customer"}}}""";

        var response = await DeliverAsync(payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Missing_wrong_or_stale_signatures_are_400_and_record_nothing()
    {
        var (_, sid, visitor) = await SessionAsync();
        var payload = Paid(sid, visitor);
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload) };

        var missing = await _app.CreateClient().SendAsync(unsigned);
        var wrongSecret = await DeliverAsync(payload, secret: "whsec_wrong");
        var stale = await DeliverAsync(payload, _app.Clock.GetUtcNow().AddMinutes(-6));
        var tampered = await DeliverAsync(payload);
        using var replayed = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook") { Content = new StringContent(payload.Replace("2500", "250000", StringComparison.Ordinal)) };
        replayed.Headers.Add("Stripe-Signature", StripeSigner.Sign(payload, _app.Clock.GetUtcNow()));
        var altered = await _app.CreateClient().SendAsync(replayed);

        foreach (var r in new[] { missing, wrongSecret, stale, altered })
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("Stripe-Signature", (await r.ProblemAsync()).GetProperty("field").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, tampered.StatusCode);
        Assert.Equal("true", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "donation_completed"));
        Assert.Equal("25", (string?)await _app.Db.HashGetAsync(Keys.Session(sid), "donation_amount"));
    }

    private static string Sha256(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
}
