using Stripe.Checkout;
using Tracking.Meta;

namespace Tracking.Donations;

internal static class StripeCheckout
{
    /// <summary>The Checkout Session we ask Stripe for: a one-line donation tied to our session by id and metadata.</summary>
    public static SessionCreateOptions Options(
        DonationOptions o, string sessionId, IReadOnlyDictionary<string, string> session, string currency, long minor, string? email, string? content)
    {
        var metadata = new Dictionary<string, string> { ["session_id"] = sessionId };
        void Meta(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                metadata[key] = value;
            }
        }
        // What Meta needs for the Purchase travels with the payment, so a session that expires before Stripe's
        // webhook arrives still yields a matched Purchase.
        Meta("visitor_id", session.GetValueOrDefault("visitor_id"));
        Meta("fbp", session.GetValueOrDefault("fbp"));
        Meta("fbc", session.GetValueOrDefault("fbc") ?? MetaMapper.BuildFbc(session.GetValueOrDefault("fbclid"), session.GetValueOrDefault("fbclid_first_seen")));
        Meta("country", session.GetValueOrDefault("country"));
        Meta("content", content);
        return new SessionCreateOptions
        {
            Mode = "payment",
            SubmitType = "donate",
            ClientReferenceId = sessionId,
            CustomerEmail = email,
            SuccessUrl = o.SuccessUrl,
            CancelUrl = o.CancelUrl,
            Metadata = metadata,
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = currency,
                        UnitAmount = minor,
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = o.ProductName },
                    },
                },
            ],
        };
    }
}
