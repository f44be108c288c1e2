using System.Globalization;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>Maps a landing onto the seed schema's hash fields (empty values are never written).</summary>
internal static class SessionFields
{
    private static readonly string[] LastTouchFields = ["last_touch_medium", "last_touch_campaign", "last_touch_content"];

    public static NewSession ForNewSession(
        string sessionId, string visitorId, long visitCount, SessionRequest request, Landing landing, long now, ClientContext client)
    {
        var touch = landing.ToTouch(now);
        var device = UserAgentClassifier.Classify(client.UserAgent);
        var fields = new List<KeyValuePair<string, string>>(32);
        void Add(string field, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields.Add(new(field, value));
            }
        }
        var nowText = now.ToString(CultureInfo.InvariantCulture);

        Add("utm_source", landing.Utm.Source);
        Add("utm_medium", landing.Utm.Medium);
        Add("utm_campaign", landing.Utm.Campaign);
        Add("utm_content", landing.Utm.Content);
        Add("utm_term", landing.Utm.Term);
        Add("first_touch_source", touch.Source);
        Add("first_touch_timestamp", nowText);
        Add("last_touch_source", touch.Source);
        Add("last_touch_timestamp", nowText);
        Add("last_touch_medium", touch.Medium);
        Add("last_touch_campaign", touch.Campaign);
        Add("last_touch_content", touch.Content);
        Add("landing_page", landing.LandingPage);
        Add("referrer", landing.ReferrerHost);
        Add("fbclid", landing.Fbclid);
        Add("fbclid_first_seen", landing.Fbclid is null ? null : nowText);
        Add("gclid", landing.Gclid);
        Add("fbp", request.Fbp);
        Add("fbc", request.Fbc);
        Add("country", client.Country);
        Add("device_type", device.DeviceType);
        Add("browser", device.Browser);
        Add("bot", device.IsBot ? "true" : null);
        Add("created_at", nowText);
        Add("session_count", visitCount.ToString(CultureInfo.InvariantCulture));
        Add("visitor_id", visitorId);
        Add("posthog_distinct_id", request.PosthogDistinctId);
        Add("consent_analytics", request.Consent?.Analytics ?? "pending");
        Add("consent_marketing", request.Consent?.Marketing ?? "pending");
        return new NewSession(sessionId, visitorId, fields, TouchJson: "", client.Ip, client.UserAgent);
    }

    /// <summary>A return visit: campaign parameters move the last touch; the first touch never changes.</summary>
    public static SessionVisit ForVisit(SessionRequest request, Landing landing, long now, ClientContext client)
    {
        var fields = new List<KeyValuePair<string, string>>(12);
        void Add(string field, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields.Add(new(field, value));
            }
        }
        var cleared = Array.Empty<string>();
        if (landing.HasCampaign)
        {
            var touch = landing.ToTouch(now);
            Add("last_touch_source", touch.Source);
            Add("last_touch_timestamp", now.ToString(CultureInfo.InvariantCulture));
            Add("last_touch_medium", touch.Medium);
            Add("last_touch_campaign", touch.Campaign);
            Add("last_touch_content", touch.Content);
            cleared = LastTouchFields.Where(f => !fields.Exists(p => p.Key == f)).ToArray();
        }
        Add("gclid", landing.Gclid);
        Add("fbp", request.Fbp);
        Add("fbc", request.Fbc);
        Add("consent_analytics", request.Consent?.Analytics);
        Add("consent_marketing", request.Consent?.Marketing);
        Add("posthog_distinct_id", request.PosthogDistinctId);
        return new SessionVisit(request.SessionId!, fields, cleared, TouchJson: null, landing.Fbclid, now, client.Ip, client.UserAgent);
    }
}
