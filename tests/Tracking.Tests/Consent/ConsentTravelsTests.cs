using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Delivery;
using Tracking.Storage;
using Tracking.Tests.Support;

namespace Tracking.Tests.Consent;

/// <summary>Consent is recorded with each outbox entry and in Stripe's metadata, and honoured after the session expires.</summary>
public sealed class ConsentTravelsTests
{
    [Theory]
    [InlineData("denied")]
    [InlineData("granted")]
    public async Task A_delayed_payment_after_the_session_expired_honours_the_marketing_consent_given_at_checkout(string marketing)
    {
        using var app = DeliveryApp.CreateWithStripe();
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        var created = await client.NewSessionAsync(extra: new { consent = new { analytics = "granted", marketing } });
        var sid = created.GetProperty("sessionId").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/checkout", new { sessionId = sid, amount = 25 })).StatusCode);

        var form = System.Web.HttpUtility.ParseQueryString(app.Calls(DeliveryApp.CheckoutPath).Single().RequestMessage.Body!);
        Assert.Equal(marketing, form["metadata[consent_marketing]"]);
        Assert.Equal("granted", form["metadata[consent_analytics]"]);
        if (marketing == "denied")
        {
            Assert.Null(form["metadata[fbc]"]);
            Assert.Null(form["metadata[fbp]"]);
            Assert.Null(form["metadata[visitor_id]"]);
            Assert.Null(form["metadata[country]"]);
        }
        else
        {
            Assert.Equal("fb.1." + (await app.Db.HashGetAsync(Keys.Session(sid), "fbclid_first_seen")) + ".IwAR1234", form["metadata[fbc]"]);
        }

        // The visitor pays by SEPA; the session expires before Stripe says the payment succeeded.
        await SessionKeys.ExpireAsync(app.Db, sid);
        app.Clock.Advance(TimeSpan.FromDays(3));
        var response = await app.DeliverWebhookAsync(StripeMetadata.EchoingMetadata(app, "evt_async", "checkout.session.async_payment_succeeded", sid, "donor@example.com"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await app.RunRoundsAsync(2);

        var meta = app.MetaEventsDelivered();
        if (marketing == "denied")
        {
            Assert.Empty(meta);
        }
        else
        {
            var purchase = Assert.Single(meta, e => e.GetProperty("event_name").GetString() == "Purchase");
            Assert.True(purchase.GetProperty("user_data").TryGetProperty("em", out _));
            Assert.StartsWith("fb.1.", purchase.GetProperty("user_data").GetProperty("fbc").GetString(), StringComparison.Ordinal);
        }
        // ($identify events that merge the payer into the person carry no tracking_event.)
        Assert.Contains(app.PostHogEventsDelivered(), e => e.GetProperty("properties").TryGetProperty("tracking_event", out var name) && name.GetString() == "Purchase");
        Assert.Equal(0, (await app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth);
    }

    [Fact]
    public async Task Browser_events_record_the_consent_in_force_and_an_outbox_backlog_older_than_the_session_honours_it()
    {
        using var app = DeliveryApp.Create();
        app.StubMetaOk();
        app.StubPostHogOk();
        var client = app.Browser();
        var sid = (await client.NewSessionAsync(extra: new { consent = new { analytics = "denied", marketing = "denied" } })).GetProperty("sessionId").GetString()!;
        var now = app.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        (await client.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","timestamp":{{now}}}]}""")).EnsureSuccessStatusCode();

        var items = await app.Db.HashGetAllAsync(Keys.OutboxItems(Partitions.TagOf(sid)));
        var entry = JsonDocument.Parse(items.Single(i => i.Name.ToString().StartsWith(sid + ":", StringComparison.Ordinal)).Value.ToString()).RootElement;
        Assert.Equal("denied", entry.GetProperty("consentMarketing").GetString());
        Assert.Equal("denied", entry.GetProperty("consentAnalytics").GetString());

        await SessionKeys.ExpireAsync(app.Db, sid);
        await app.RunRoundsAsync();

        Assert.Empty(app.MetaEventsDelivered());
        Assert.Empty(app.PostHogEventsDelivered());
        Assert.Equal(0, (await app.Services.GetRequiredService<OutboxStore>().DepthAsync()).Depth);
    }
}
