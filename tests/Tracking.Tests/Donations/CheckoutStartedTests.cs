using System.Collections.Specialized;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tracking.Storage;
using Tracking.Tests.Support;
using WireMock.Logging;

namespace Tracking.Tests.Donations;

/// <summary>
/// One donation started through POST /checkout, seen from each system it reaches: the answer, Stripe, the session,
/// its events, Meta and PostHog. A failure names the one system that got it wrong.
/// </summary>
public sealed class CheckoutStartedTests(CheckoutStartedTests.Checkout checkout) : IClassFixture<CheckoutStartedTests.Checkout>
{
    /// <summary>The arrangement every test reads: a session, its checkout of 25.50 with an e-mail, and a delivery round.</summary>
    public sealed class Checkout : IAsyncLifetime
    {
        public DeliveryApp App { get; } = DeliveryApp.CreateWithStripe(new()
        {
            ["Donations:Currencies:0"] = "usd", ["Donations:Currencies:1"] = "eur", ["Donations:Currencies:2"] = "jpy", ["Donations:Currencies:3"] = "kwd",
        });

        public string Sid { get; private set; } = "";

        public string Visitor { get; private set; } = "";

        public HttpResponseMessage Response { get; private set; } = null!;

        public ILogEntry StripeCall => Assert.Single(App.Calls(DeliveryApp.CheckoutPath));

        public NameValueCollection StripeForm => System.Web.HttpUtility.ParseQueryString(StripeCall.RequestMessage.Body!);

        public async Task InitializeAsync()
        {
            App.StubMetaOk();
            App.StubPostHogOk();
            var client = App.Browser();
            var created = await client.NewSessionAsync();
            Sid = created.GetProperty("sessionId").GetString()!;
            Visitor = created.GetProperty("visitorId").GetString()!;
            Response = await client.PostAsJsonAsync("/checkout", new { sessionId = Sid, amount = 25.50m, email = "donor@example.com", content = "trailer_30s" });
            await App.RunRoundsAsync();
        }

        public Task DisposeAsync()
        {
            Response.Dispose();
            App.Dispose();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task The_answer_names_the_stripe_checkout_session_and_its_page()
    {
        Assert.Equal(HttpStatusCode.Created, checkout.Response.StatusCode);
        var body = await checkout.Response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cs_test_a1", body.GetProperty("checkoutSessionId").GetString());
        Assert.Equal("https://checkout.stripe.com/c/pay/cs_test_a1", body.GetProperty("url").GetString());
    }

    [Fact]
    public void Stripe_gets_the_donation_fields_once_with_an_idempotency_key_and_the_secret_key()
    {
        var call = checkout.StripeCall.RequestMessage;
        var form = checkout.StripeForm;
        Assert.Equal("payment", form["mode"]);
        Assert.Equal("donate", form["submit_type"]);
        Assert.Equal(checkout.Sid, form["client_reference_id"]);
        Assert.Equal(checkout.Sid, form["metadata[session_id]"]);
        Assert.Equal(checkout.Visitor, form["metadata[visitor_id]"]);
        Assert.Equal(StripeSigner.Mark(checkout.Sid), form["metadata[tracking_mark]"]);
        // The PaymentIntent (and so its charge) carries the session and mark, for a refund that arrives before the donation.
        Assert.Equal(checkout.Sid, form["payment_intent_data[metadata][session_id]"]);
        Assert.Equal(StripeSigner.Mark(checkout.Sid), form["payment_intent_data[metadata][tracking_mark]"]);
        Assert.Equal("2550", form["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("usd", form["line_items[0][price_data][currency]"]);
        Assert.Equal("Support the film", form["line_items[0][price_data][product_data][name]"]);
        Assert.Equal("https://film.example/thank-you?cs={CHECKOUT_SESSION_ID}", form["success_url"]);
        Assert.Equal("donor@example.com", form["customer_email"]);
        Assert.False(string.IsNullOrEmpty(call.Headers!["Idempotency-Key"].Single()));
        Assert.Equal("Bearer sk_test_secret_never_logged", call.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task The_session_records_the_initiated_donation()
    {
        var hash = (await checkout.App.Db.HashGetAllAsync(Keys.Session(checkout.Sid))).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal("true", hash["donation_initiated"]);
        Assert.Equal("25.5", hash["donation_amount"]);
        Assert.Equal("cs_test_a1", hash["checkout_session_id"]);
    }

    [Fact]
    public async Task The_sessions_only_event_is_initiate_checkout_with_the_amount()
    {
        var ev = JsonDocument.Parse((await checkout.App.Db.SortedSetRangeByRankAsync(Keys.Events(checkout.Sid))).Single().ToString()).RootElement;
        Assert.Equal("InitiateCheckout", ev.GetProperty("event").GetString());
        Assert.Equal(25.50m, ev.GetProperty("value").GetDecimal());
    }

    [Fact]
    public void Meta_gets_initiate_checkout_with_the_value_and_the_currency_upper_case()
    {
        var meta = Assert.Single(checkout.App.MetaEventsDelivered());
        Assert.Equal("InitiateCheckout", meta.GetProperty("event_name").GetString());
        Assert.Equal(25.50m, meta.GetProperty("custom_data").GetProperty("value").GetDecimal());
        Assert.Equal("USD", meta.GetProperty("custom_data").GetProperty("currency").GetString());
    }

    [Fact]
    public void PostHog_gets_checkout_started()
    {
        Assert.Equal("Checkout Started", Assert.Single(checkout.App.PostHogEventsDelivered()).GetProperty("event").GetString());
    }
}
