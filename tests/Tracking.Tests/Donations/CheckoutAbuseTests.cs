using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Tracking.Tests.Donations;

/// <summary>
/// /checkout against abuse: currencies from an allow-list, bounds per currency, a per-session cap on Stripe Checkout
/// Sessions enforced before Stripe is called, and no browser-typed e-mail sent to Meta. Stripe is a WireMock stand-in:
/// "nothing sent to Stripe" is its request log being empty.
/// </summary>
public sealed class CheckoutAbuseTests
{
    private const string CheckoutPath = DeliveryApp.CheckoutPath;

    private static DeliveryApp App(Dictionary<string, string?>? settings = null)
    {
        var app = DeliveryApp.CreateWithStripe(settings);
        app.StubMetaOk();
        app.StubPostHogOk();
        return app;
    }

    private static async Task<(HttpClient Client, string Id, string Visitor)> SessionAsync(DeliveryApp app)
    {
        var client = app.Browser();
        var created = await client.NewSessionAsync();
        return (client, created.GetProperty("sessionId").GetString()!, created.GetProperty("visitorId").GetString()!);
    }

    private static Task<HttpResponseMessage> CheckoutAsync(HttpClient client, string sid, decimal amount, string? currency = null, string? email = null) =>
        client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount, currency, email });

    [Theory]
    [InlineData("kwd")]
    [InlineData("KWD")]
    [InlineData("eur")]
    public async Task A_currency_outside_the_allow_list_is_400_and_reaches_nobody(string currency)
    {
        using var app = App();
        var (client, sid, _) = await SessionAsync(app);
        var before = await RedisSnapshot.TakeAsync(app);

        var response = await CheckoutAsync(client, sid, 10_000, currency);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ProblemAsync()).GetProperty("errors");
        Assert.Contains("usd", errors.GetProperty("currency")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(app.Calls(CheckoutPath));
        Assert.Equal(before, await RedisSnapshot.TakeAsync(app));
        await app.RunRoundsAsync();
        Assert.Empty(app.Calls(DeliveryApp.MetaPath));
        Assert.Empty(app.Calls(DeliveryApp.PostHogPath));
    }

    [Fact]
    public async Task A_currency_with_bounds_of_its_own_is_held_to_them_and_the_others_to_the_global_ones()
    {
        using var app = App(new()
        {
            ["Donations:Currencies:0"] = "usd", ["Donations:Currencies:1"] = "kwd",
            ["Donations:Limits:kwd:Min"] = "0.5", ["Donations:Limits:kwd:Max"] = "3000",
        });
        var (client, sid, _) = await SessionAsync(app);
        var before = await RedisSnapshot.TakeAsync(app);

        var tooMuch = await CheckoutAsync(client, sid, 10_000, "kwd");
        var tooLittle = await CheckoutAsync(client, sid, 0.25m, "kwd");

        foreach (var refused in new[] { tooMuch, tooLittle })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("Must be between 0.5 and 3000 KWD.", (await refused.ProblemAsync()).GetProperty("errors").GetProperty("amount")[0].GetString());
        }
        Assert.Empty(app.Calls(CheckoutPath));
        Assert.Equal(before, await RedisSnapshot.TakeAsync(app));
        Assert.Equal(HttpStatusCode.Created, (await CheckoutAsync(client, sid, 0.5m, "kwd")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await CheckoutAsync(client, sid, 10_000, "usd")).StatusCode);
        Assert.Equal(2, app.Calls(CheckoutPath).Count());
    }

    [Fact]
    public async Task Past_the_per_session_limit_checkout_is_409_and_stripe_is_not_called()
    {
        using var app = App(new() { ["Donations:MaxCheckoutsPerSession"] = "2" });
        var (client, sid, _) = await SessionAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await CheckoutAsync(client, sid, 10)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await CheckoutAsync(client, sid, 11)).StatusCode);
        var before = await RedisSnapshot.TakeAsync(app);

        var refused = await CheckoutAsync(client, sid, 12);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.ProblemAsync();
        Assert.Equal("sessionId", problem.GetProperty("field").GetString());
        Assert.Contains("Donations__MaxCheckoutsPerSession", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, app.Calls(CheckoutPath).Count());
        Assert.Equal(before, await RedisSnapshot.TakeAsync(app));
        // Another session is not affected.
        var (other, otherSid, _) = await SessionAsync(app);
        Assert.Equal(HttpStatusCode.Created, (await CheckoutAsync(other, otherSid, 12)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_checkouts_of_one_session_never_pass_the_limit()
    {
        using var app = App(new() { ["Donations:MaxCheckoutsPerSession"] = "3" });
        var (client, sid, _) = await SessionAsync(app);

        var responses = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => CheckoutAsync(client, sid, 10 + i)));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(3, app.Calls(CheckoutPath).Count());
        Assert.Equal("3", (string?)await app.Db.HashGetAsync(Keys.StripeLedger(sid), "slots"));
    }

    [Fact]
    public async Task A_double_click_uses_one_slot()
    {
        using var app = App(new() { ["Donations:MaxCheckoutsPerSession"] = "1" });
        var (client, sid, _) = await SessionAsync(app);

        var first = await CheckoutAsync(client, sid, 25);
        var again = await CheckoutAsync(client, sid, 25);
        var other = await CheckoutAsync(client, sid, 30);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var keys = app.Calls(CheckoutPath).Select(c => c.RequestMessage.Headers!["Idempotency-Key"].Single()).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal("1", (string?)await app.Db.HashGetAsync(Keys.StripeLedger(sid), "slots"));
    }

    [Fact]
    public async Task A_stripe_failure_gives_the_slot_back()
    {
        using var app = App(new() { ["Donations:MaxCheckoutsPerSession"] = "1" });
        app.ExpectErrors("Tracking.Donations", "Stripe answers 500 on purpose; the failed checkout creation is logged as an error");
        var failing = Guid.NewGuid();
        app.Stub.Given(Request.Create().WithPath(CheckoutPath).UsingPost()).WithGuid(failing).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(500).WithBodyAsJson(new { error = new { type = "api_error", message = "down" } }));
        var (client, sid, _) = await SessionAsync(app);
        var before = await RedisSnapshot.TakeAsync(app);

        var failed = await CheckoutAsync(client, sid, 25);

        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.NotEmpty(app.Calls(CheckoutPath));
        // All but the client's checkout budget, which keeps the call: Stripe was called, and a request that makes
        // Stripe fail must not buy unbounded calls.
        Assert.Equal(before, WithoutBudgets(await RedisSnapshot.TakeAsync(app)));
        app.Stub.DeleteMapping(failing);
        // With a limit of one, only a returned slot lets the visitor try again (another amount: another idempotency key).
        Assert.Equal(HttpStatusCode.Created, (await CheckoutAsync(client, sid, 30)).StatusCode);
    }

    private static string WithoutBudgets(string snapshot) => string.Concat(snapshot.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Where(line => !line.StartsWith(KeyFamily.Prefix(Keys.ClientBudget(Tracking.Donations.CreateCheckout.CheckoutBudget(new()).Name, "")), StringComparison.Ordinal)).Select(line => line + "\n"));

    [Fact]
    public async Task The_typed_email_prefills_stripe_but_never_reaches_meta_and_purchase_carries_the_one_stripe_collected()
    {
        using var app = App();
        var (client, sid, visitor) = await SessionAsync(app);

        Assert.Equal(HttpStatusCode.Created, (await CheckoutAsync(client, sid, 25, email: "victim@example.com")).StatusCode);
        var form = System.Web.HttpUtility.ParseQueryString(app.Calls(CheckoutPath).Single().RequestMessage.Body!);
        Assert.Equal("victim@example.com", form["customer_email"]);
        // The payer changed the address on Stripe's page; Stripe reports both.
        var paid = StripeSigner.CheckoutEvent("evt_p", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), "payer@example.com", visitor)
            .Replace("\"customer_details\":", "\"customer_email\":\"victim@example.com\",\"customer_details\":", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
        await app.RunRoundsAsync();

        var meta = app.MetaEventsDelivered();
        var initiate = meta.Single(e => e.GetProperty("event_name").GetString() == "InitiateCheckout");
        Assert.False(initiate.GetProperty("user_data").TryGetProperty("em", out _), $"InitiateCheckout carried em: {initiate}");
        var purchase = meta.Single(e => e.GetProperty("event_name").GetString() == "Purchase");
        Assert.Equal([Sha256("payer@example.com")], purchase.GetProperty("user_data").GetProperty("em").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Without_an_address_collected_by_stripe_purchase_sends_no_email()
    {
        using var app = App();
        var (_, sid, visitor) = await SessionAsync(app);
        var paid = StripeSigner.CheckoutEvent("evt_p", "checkout.session.completed", "cs_test_a1", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), email: null, visitor)
            .Replace("\"customer_details\":", "\"customer_email\":\"victim@example.com\",\"customer_details\":", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await app.DeliverWebhookAsync(paid)).StatusCode);
        await app.RunRoundsAsync();

        var purchase = Assert.Single(app.MetaEventsDelivered());
        Assert.Equal("Purchase", purchase.GetProperty("event_name").GetString());
        Assert.False(purchase.GetProperty("user_data").TryGetProperty("em", out _));
    }

    [Theory]
    [InlineData("Donations:Currencies:0", "dollars", "Donations:Currencies:0")]
    [InlineData("Donations:Currencies:0", "eur", "Donations:Currency")]
    [InlineData("Donations:Limits:kwd:Max", "3000", "Donations:Limits:kwd")]
    [InlineData("Donations:Limits:usd:Max", "0.5", "Donations:Limits:usd")]
    [InlineData("Donations:Limits:usd:Min", "-1", "Donations:Limits:usd")]
    [InlineData("Donations:MaxCheckoutsPerSession", "0", "Donations:MaxCheckoutsPerSession")]
    [InlineData("Donations:CheckoutsPerClientPerHour", "0", "Donations:CheckoutsPerClientPerHour")]
    [InlineData("Donations:MaxCheckoutsPerSession", "many", "Donations:MaxCheckoutsPerSession")]
    public void A_bad_donation_setting_stops_start_up_naming_the_key(string key, string value, string named) => StartUp.AssertRefused(key, value, named);


    private static string Sha256(string value) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
}
