using Stripe.Checkout;
using Tracking.ClickIds;
using Tracking.Storage;

namespace Tracking.Donations;

/// <summary>Keys of the Checkout Session metadata we write and read back from Stripe's webhook.</summary>
internal static class CheckoutMetadata
{
    public const string SessionId = "session_id";
    public const string VisitorId = "visitor_id";
    public const string Fbp = "fbp";
    public const string Fbc = "fbc";
    public const string Ttclid = "ttclid";
    public const string Ttp = "ttp";
    public const string Country = "country";

    /// <summary>The session's Google click id, under its own kind's key (<c>gclid</c>, <c>gbraid</c> or <c>wbraid</c>).</summary>
    public const string Gclid = "gclid";
    public const string Gbraid = "gbraid";
    public const string Wbraid = "wbraid";
    public const string Content = "content";

    /// <summary>The fundraising campaign donated to (the request's <c>campaign</c>, else the session's <c>selected_campaign</c>).</summary>
    public const string Campaign = "campaign";
    public const string PageUrl = "page_url";
    public const string PageReferrer = "page_referrer";

    /// <summary>The session's marketing and analytics consent at checkout, honoured if the session expires before the payment succeeds.</summary>
    public const string ConsentMarketing = "consent_marketing";
    public const string ConsentAnalytics = "consent_analytics";

    /// <summary>The <see cref="CheckoutMark"/> of the session: only Checkout Sessions carrying it are recorded.</summary>
    public const string Mark = "tracking_mark";
}

internal static class StripeCheckout
{
    /// <summary>Stripe's limit for a metadata value.</summary>
    public const int MaxPageUrl = 500;

    /// <summary>The Checkout Session we ask Stripe for: a one-line donation tied to our session by id and metadata.</summary>
    public static SessionCreateOptions Options(
        DonationOptions o, string sessionId, string mark, IReadOnlyDictionary<string, string> session, bool marketing, string currency, long minor, string? email, string? content,
        string? pageUrl = null, string? pageReferrer = null, string? campaign = null, string? interval = null)
    {
        var metadata = new Dictionary<string, string> { [CheckoutMetadata.SessionId] = sessionId, [CheckoutMetadata.Mark] = mark };
        void Meta(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                metadata[key] = value;
            }
        }
        // The consent in force travels with the payment: a delayed payment (SEPA, ACH) whose session has expired
        // honours it.
        Meta(CheckoutMetadata.ConsentMarketing, session.GetValueOrDefault(SessionField.ConsentMarketing));
        Meta(CheckoutMetadata.ConsentAnalytics, session.GetValueOrDefault(SessionField.ConsentAnalytics));
        if (marketing)
        {
            // What Meta needs for the Purchase travels with the payment, so a session that expires before Stripe's
            // webhook arrives still yields a matched Purchase; only when marketing is allowed.
            Meta(CheckoutMetadata.VisitorId, session.GetValueOrDefault(SessionField.VisitorId));
            // Only cookies Meta would take, chosen as the Meta mapper chooses them: a malformed or over-long one (a
            // session keeps fbc up to 512 characters, an fbclid as long) would make Stripe refuse a metadata value
            // over 500 characters, and the donation fail with a 502, for a value Meta would drop anyway.
            Meta(CheckoutMetadata.Fbp, MetaCookies.FirstWellFormed(session.GetValueOrDefault(SessionField.Fbp)));
            Meta(CheckoutMetadata.Fbc, MetaCookies.Click(session.GetValueOrDefault(SessionField.Fbclid), session.GetValueOrDefault(SessionField.FbclidFirstSeen),
                session.GetValueOrDefault(SessionField.Fbc)));
            Meta(CheckoutMetadata.Country, session.GetValueOrDefault(SessionField.Country));
            // TikTok's click id and cookie, on the same terms: only well-formed ones, within Stripe's 500 characters.
            Meta(CheckoutMetadata.Ttclid, TikTokClickIds.Ttclid(session.GetValueOrDefault(SessionField.Ttclid)));
            Meta(CheckoutMetadata.Ttp, TikTokClickIds.Ttp(session.GetValueOrDefault(SessionField.Ttp)));
            // The Google click id the Google Ads mapper would send (one, well formed), for the same reason.
            if (GoogleClickIds.Pick(session.GetValueOrDefault(SessionField.Gclid), session.GetValueOrDefault(SessionField.Gbraid), session.GetValueOrDefault(SessionField.Wbraid)) is { } click)
            {
                Meta(click.Kind switch { GoogleClickKind.Gclid => CheckoutMetadata.Gclid, GoogleClickKind.Gbraid => CheckoutMetadata.Gbraid, _ => CheckoutMetadata.Wbraid }, click.Value);
            }
        }
        Meta(CheckoutMetadata.Content, content);
        Meta(CheckoutMetadata.Campaign, campaign);
        Meta(CheckoutMetadata.PageUrl, pageUrl);
        Meta(CheckoutMetadata.PageReferrer, pageReferrer);
        var options = new SessionCreateOptions
        {
            Mode = "payment",
            SubmitType = "donate",
            ClientReferenceId = sessionId,
            CustomerEmail = email,
            SuccessUrl = o.SuccessUrl,
            CancelUrl = o.CancelUrl,
            Metadata = metadata,
            // The PaymentIntent carries the session and its mark too, and Stripe copies them onto the charge it makes:
            // a refund that arrives before the donation is recorded (after our own outage) is then recognisable as
            // ours and refused until the completed Checkout Session has been delivered again (ReceiveRefund).
            PaymentIntentData = new SessionPaymentIntentDataOptions
            {
                Metadata = new Dictionary<string, string> { [CheckoutMetadata.SessionId] = sessionId, [CheckoutMetadata.Mark] = mark },
            },
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
        return interval is null ? options : MonthlyDonation.Subscribe(options, interval);
    }
}
