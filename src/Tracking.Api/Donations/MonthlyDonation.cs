using Stripe.Checkout;

namespace Tracking.Donations;

/// <summary>
/// A recurring donation's Checkout Session: the one-off donation's, in <c>subscription</c> mode with a recurring price.
/// The subscription gets the checkout's metadata too (<c>subscription_data.metadata</c>), mark included, so the
/// subscription and each of its invoices (<c>parent.subscription_details.metadata</c>) are recognisable as ours and
/// name the session that brought the donor, with what a renewal forwards (consent, click ids, campaign).
/// </summary>
internal static class MonthlyDonation
{
    /// <summary>Metadata key of the billing interval (<c>month</c>), on the Checkout Session and its subscription.</summary>
    public const string IntervalKey = "interval";

    public static SessionCreateOptions Subscribe(SessionCreateOptions payment, string interval)
    {
        var metadata = new Dictionary<string, string>(payment.Metadata, StringComparer.Ordinal) { [IntervalKey] = interval };
        payment.Metadata = metadata;
        payment.Mode = "subscription";
        // submit_type is a payment-mode option; payment_intent_data is refused in subscription mode (neither is sent).
        payment.SubmitType = null;
        payment.PaymentIntentData = null;
        payment.SubscriptionData = new SessionSubscriptionDataOptions { Metadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal) };
        foreach (var item in payment.LineItems)
        {
            item.PriceData.Recurring = new SessionLineItemPriceDataRecurringOptions { Interval = interval };
        }
        return payment;
    }
}
