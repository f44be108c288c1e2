namespace Tracking.Storage;

/// <summary>
/// Every field name of the session hash <c>sess:{id}</c> (the seed's Redis schema), stated once. C# uses the
/// constants; Lua scripts use them as <c>F.Name</c> (the table is generated from this class, and a script naming
/// a field that is not here fails at start). docs/redis-layout.md explains each field.
/// </summary>
internal static class SessionField
{
    // Campaign parameters of the landing that created the session (never changed afterwards).
    public const string UtmSource = "utm_source";
    public const string UtmMedium = "utm_medium";
    public const string UtmCampaign = "utm_campaign";
    public const string UtmContent = "utm_content";
    public const string UtmTerm = "utm_term";

    // First touch: set once at creation. Last touch: moved by every landing that carries campaign parameters.
    public const string FirstTouchSource = "first_touch_source";
    public const string FirstTouchTimestamp = "first_touch_timestamp";
    public const string LastTouchSource = "last_touch_source";
    public const string LastTouchMedium = "last_touch_medium";
    public const string LastTouchCampaign = "last_touch_campaign";
    public const string LastTouchContent = "last_touch_content";
    public const string LastTouchTimestamp = "last_touch_timestamp";

    public const string LandingPage = "landing_page";
    public const string Referrer = "referrer";
    // The landing's whole referrer URL (referrer is its host), for the events of the landing page that carry none.
    public const string ReferrerUrl = "referrer_url";
    // The latest page loaded or viewed (whole URL): the event_source_url of an event that named no page.
    public const string LastPage = "last_page";

    // Click ids and Meta cookies; fbclid_first_seen (ms) is the creation time Meta's fbc format needs.
    public const string Fbclid = "fbclid";
    public const string FbclidFirstSeen = "fbclid_first_seen";
    public const string Gclid = "gclid";
    public const string Gbraid = "gbraid";
    public const string Wbraid = "wbraid";
    public const string Fbp = "fbp";
    public const string Fbc = "fbc";

    // TikTok's click id (the landing's ttclid) and the TikTok pixel's _ttp cookie.
    public const string Ttclid = "ttclid";
    public const string Ttp = "ttp";

    // Request context and device.
    public const string Country = "country";
    public const string City = "city";
    public const string DeviceType = "device_type";
    public const string Browser = "browser";
    public const string Bot = "bot";

    public const string CreatedAt = "created_at";
    public const string SessionCount = "session_count";
    public const string VisitorId = "visitor_id";
    public const string PosthogDistinctId = "posthog_distinct_id";
    public const string ConsentAnalytics = "consent_analytics";
    public const string ConsentMarketing = "consent_marketing";

    // The current visit (PostHog's $session_id): its first event's and latest event's ms timestamps.
    public const string VisitStart = "visit_start";
    public const string VisitLast = "visit_last";

    // The latest page load (ms): with visit_last, what decides that a page load after 30 minutes of inactivity is a new visit.
    public const string PageLoadLast = "page_load_last";

    // Journey.
    public const string ContentViewed = "content_viewed";
    public const string SelectedCampaign = "selected_campaign";
    // POST /signup: the visitor left an e-mail address (never stored), and whether they agreed to be e-mailed.
    public const string EmailSignup = "email_signup";
    public const string EmailConsent = "email_consent";
    public const string DonationInitiated = "donation_initiated";
    public const string DonationAmount = "donation_amount";
    public const string DonationCurrency = "donation_currency";
    public const string CheckoutSessionId = "checkout_session_id";
    public const string DonationCompleted = "donation_completed";
    public const string DonationStatus = "donation_status";
    public const string CheckoutType = "checkout_type";
    public const string PaymentMethod = "payment_method";
    public const string ConvertedAt = "converted_at";
    public const string TimeToConversion = "time_to_conversion";

    // Watch time: seconds actually played (all contents), and the server time (ms) of the previous report, which bounds the next.
    public const string TotalWatchTime = "total_watch_time";
    public const string WatchReportedAt = "watch_reported_at";

    /// <summary><c>{content}_watched</c> ("true" once the visitor started it) and <c>{content}_watch_time</c> (seconds played).</summary>
    public const string WatchedSuffix = "_watched";
    public const string WatchTimeSuffix = "_watch_time";

    /// <summary>Ends every completion field.</summary>
    public const string CompletionSuffix = "_completion";

    // Bookkeeping, never sent anywhere: how many contents have a completion, watched and watch-time field, so the
    // per-session cap (Tracking:MaxContentsPerSession) is checked with one HINCRBY instead of a scan of the hash.
    public const string CompletionCount = "#completions";
    public const string WatchedCount = "#watched";
    public const string WatchTimeCount = "#watch_times";

    // Bookkeeping, never sent anywhere: how many signups of the session queued a Lead (Tracking:MaxSignupsPerSession).
    public const string LeadCount = "#leads";

    /// <summary>Highest video milestone reached for one content: <c>{content}_completion</c>.</summary>
    public static string Completion(string content) => content + CompletionSuffix;

    private static readonly HashSet<string> Names = typeof(SessionField)
        .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string) && !f.Name.EndsWith("Suffix", StringComparison.Ordinal))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The session field a per-content field of <paramref name="content"/> would overwrite (content <c>total</c> →
    /// <c>total_watch_time</c>), or null: per-content names share the hash with the session's own, so a content id
    /// that would produce one of them is refused. Checked against every field here, so a field added later is covered.
    /// </summary>
    public static string? CollisionOf(string content) =>
        new[] { CompletionSuffix, WatchedSuffix, WatchTimeSuffix }.Select(suffix => content + suffix).FirstOrDefault(Names.Contains);
}

/// <summary>Fields of <c>client:sess:{id}</c>: the request context Meta needs, kept out of <c>GET /session</c>.</summary>
internal static class ClientField
{
    public const string Ip = "ip";
    public const string UserAgent = "ua";
}
