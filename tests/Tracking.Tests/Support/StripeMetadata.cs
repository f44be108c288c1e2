using System.Text.Json.Nodes;

namespace Tracking.Tests.Support;

/// <summary>Stripe's side of a checkout as the tests play it.</summary>
public static class StripeMetadata
{
    /// <summary>A Stripe event for the Checkout Session whose metadata is exactly what the service gave Stripe.</summary>
    public static string EchoingMetadata(DeliveryApp app, string eventId, string type, string sid, string email)
    {
        var form = System.Web.HttpUtility.ParseQueryString(app.Calls(DeliveryApp.CheckoutPath).Last().RequestMessage.Body!);
        var metadata = new JsonObject();
        foreach (var key in form.AllKeys.Where(k => k!.StartsWith("metadata[", StringComparison.Ordinal)))
        {
            metadata[key!["metadata[".Length..^1]] = form[key];
        }
        var payload = JsonNode.Parse(StripeSigner.CheckoutEvent(eventId, type, "cs_test_a1", sid, "paid", 2500, "usd", app.Clock.GetUtcNow(), email))!;
        payload["data"]!["object"]!["metadata"] = metadata;
        return payload.ToJsonString();
    }
}
