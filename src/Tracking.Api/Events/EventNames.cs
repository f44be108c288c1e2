namespace Tracking.Events;

/// <summary>
/// Our event names, and the one list of names a browser may not post (revenue comes only from the server).
/// Events owns the list, destination names included, because the destinations depend on Events (never the reverse);
/// a test (tests/…/Events/ReservedNameTests.cs) fails when a mapper starts producing a name that is not covered here.
/// </summary>
internal static class EventNames
{
    public const string PageView = "PageView";
    public const string ViewContent = "ViewContent";
    public const string VideoStart = "VideoStart";
    public const string VideoProgress = "VideoProgress";

    /// <summary>The video ended: <c>{content}_completion</c> 100.</summary>
    public const string VideoComplete = "VideoComplete";

    /// <summary>Seconds played since the previous report (<c>properties.watch_time</c>), sent by the snippet on pagehide.</summary>
    public const string VideoWatch = "VideoWatch";
    public const string InitiateCheckout = "InitiateCheckout";
    public const string Purchase = "Purchase";
    public const string DonationFailed = "DonationFailed";
    public const string CheckoutExpired = "CheckoutExpired";

    /// <summary>A paid renewal of a recurring donation (Stripe's <c>invoice.paid</c>, <c>subscription_cycle</c>).</summary>
    public const string DonationRenewed = "DonationRenewed";

    /// <summary>A recurring donation ended (Stripe's <c>customer.subscription.deleted</c>).</summary>
    public const string DonationCancelled = "DonationCancelled";
    /// <summary>Stripe took money back from a donation (a refund, an open or lost dispute): the value is the change.</summary>
    public const string DonationRefunded = "DonationRefunded";

    /// <summary>A won dispute gave a donation's money back: the value is the (negative) change.</summary>
    public const string DonationRestored = "DonationRestored";

    /// <summary>The visitor picked a fundraising campaign (<c>properties.campaign</c>): the session's <c>selected_campaign</c>.</summary>
    public const string CampaignSelected = "CampaignSelected";

    /// <summary>An e-mail signup (POST /signup, the schema's FormSubmit email_capture): server-recorded, like Purchase.</summary>
    public const string Lead = "Lead";

    public static readonly int[] Milestones = [25, 50, 75, 95];

    /// <summary>The browser's own journey events: accepted under exactly these names (destinations rename them).</summary>
    public static readonly string[] JourneyNames = [PageView, ViewContent, VideoStart, VideoProgress, VideoComplete, VideoWatch, CampaignSelected];

    /// <summary>
    /// Refused from browsers (compared by <see cref="Normalize"/>): what the server records itself (from /checkout and
    /// Stripe), what the destinations receive for those (Meta: Purchase, InitiateCheckout; PostHog: Donation Completed,
    /// Checkout Started), and the names they give browser events (PostHog: Content Viewed, Video Progress; `$pageview`
    /// is covered by the `$` rule). Posting one of those directly would skip our validation and dedup, or forge revenue.
    /// </summary>
    private static readonly HashSet<string> Reserved = new(
        new[]
        {
            Purchase, InitiateCheckout, DonationFailed, CheckoutExpired, Lead, DonationRenewed, DonationCancelled, DonationRefunded, DonationRestored,
            "Donation Completed", "Checkout Started", "Email Signup", "Donation Renewed", "Monthly Donation Cancelled", "Donation Refunded",
            // Meta's name for Purchase under Meta:DonationEventName=Donate.
            "Donate",
            "Content Viewed", "Video Progress",
        }.Select(Normalize),
        StringComparer.Ordinal);

    /// <summary>
    /// True when a browser may not post this name: a reserved name in any case or spelling (`donation_completed`,
    /// `DONATION COMPLETED`), or any `$` name (PostHog's own events). The journey names themselves (`VideoProgress`)
    /// stay allowed when spelt exactly so; their variants (`video_progress`) collide with a destination name and are not.
    /// </summary>
    public static bool IsReserved(string name) =>
        Array.IndexOf(JourneyNames, name) < 0 && (name.StartsWith('$') || Reserved.Contains(Normalize(name)));

    /// <summary>
    /// Browser property names never forwarded to Meta or PostHog: money (server events carry it in
    /// OutboxEntry.Value/Currency, set from Stripe) and `$` names (PostHog's own: `$set`, `$ip`…). Case-insensitive.
    /// </summary>
    public static bool IsServerProperty(string key) =>
        key.StartsWith('$')
        || key.Equals("value", StringComparison.OrdinalIgnoreCase)
        || key.Equals("currency", StringComparison.OrdinalIgnoreCase)
        || key.Equals("revenue", StringComparison.OrdinalIgnoreCase);

    /// <summary>Lower-case letters and digits only: `Donation Completed`, `donation_completed` and `DONATION-COMPLETED` are one name.</summary>
    private static string Normalize(string name) =>
        string.Create(name.Count(char.IsAsciiLetterOrDigit), name, static (span, source) =>
        {
            var n = 0;
            foreach (var ch in source)
            {
                if (char.IsAsciiLetterOrDigit(ch))
                {
                    span[n++] = char.ToLowerInvariant(ch);
                }
            }
        });
}
