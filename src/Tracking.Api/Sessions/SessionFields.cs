using System.Globalization;
using Tracking.Consent;
using Tracking.Edge;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>Maps a landing onto the seed schema's hash fields (empty values are never written).</summary>
internal static class SessionFields
{
    private static readonly string[] LastTouchFields = [SessionField.LastTouchMedium, SessionField.LastTouchCampaign, SessionField.LastTouchContent];

    /// <summary>A new session's fields; its visit count (<c>session_count</c>) is the create script's.</summary>
    public static NewSession ForNewSession(
        string sessionId, string visitorId, SessionRequest request, Landing landing, long now, ClientContext client)
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

        Add(SessionField.UtmSource, landing.Utm.Source);
        Add(SessionField.UtmMedium, landing.Utm.Medium);
        Add(SessionField.UtmCampaign, landing.Utm.Campaign);
        Add(SessionField.UtmContent, landing.Utm.Content);
        Add(SessionField.UtmTerm, landing.Utm.Term);
        Add(SessionField.FirstTouchSource, touch.Source);
        Add(SessionField.FirstTouchTimestamp, nowText);
        Add(SessionField.LastTouchSource, touch.Source);
        Add(SessionField.LastTouchTimestamp, nowText);
        Add(SessionField.LastTouchMedium, touch.Medium);
        Add(SessionField.LastTouchCampaign, touch.Campaign);
        Add(SessionField.LastTouchContent, touch.Content);
        Add(SessionField.LandingPage, landing.LandingPage);
        Add(SessionField.Referrer, landing.ReferrerHost);
        Add(SessionField.ReferrerUrl, landing.ReferrerHost is null ? null : request.Referrer);
        Add(SessionField.LastPage, request.Url);
        Add(SessionField.Fbclid, landing.Fbclid);
        Add(SessionField.FbclidFirstSeen, landing.Fbclid is null ? null : nowText);
        Add(SessionField.Gclid, landing.Gclid);
        Add(SessionField.Gbraid, landing.Gbraid);
        Add(SessionField.Wbraid, landing.Wbraid);
        Add(SessionField.Fbp, request.Fbp);
        Add(SessionField.Fbc, request.Fbc);
        Add(SessionField.Ttclid, landing.Ttclid);
        Add(SessionField.Ttp, request.Ttp);
        Add(SessionField.Country, client.Country);
        Add(SessionField.City, client.City);
        Add(SessionField.DeviceType, device.DeviceType);
        Add(SessionField.Browser, device.Browser);
        Add(SessionField.Bot, device.IsBot ? "true" : null);
        Add(SessionField.CreatedAt, nowText);
        Add(SessionField.VisitorId, visitorId);
        Add(SessionField.PosthogDistinctId, request.PosthogDistinctId);
        Add(SessionField.ConsentAnalytics, request.Consent?.Analytics ?? ConsentRules.Pending);
        Add(SessionField.ConsentMarketing, request.Consent?.Marketing ?? ConsentRules.Pending);
        return new NewSession(sessionId, visitorId, fields, TouchJson: "", client.Ip, client.UserAgent, request.PosthogDistinctId);
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
            Add(SessionField.LastTouchSource, touch.Source);
            Add(SessionField.LastTouchTimestamp, now.ToString(CultureInfo.InvariantCulture));
            Add(SessionField.LastTouchMedium, touch.Medium);
            Add(SessionField.LastTouchCampaign, touch.Campaign);
            Add(SessionField.LastTouchContent, touch.Content);
            cleared = LastTouchFields.Where(f => !fields.Exists(p => p.Key == f)).ToArray();
        }
        Add(SessionField.Gclid, landing.Gclid);
        Add(SessionField.Gbraid, landing.Gbraid);
        Add(SessionField.Wbraid, landing.Wbraid);
        Add(SessionField.Fbp, request.Fbp);
        Add(SessionField.Fbc, request.Fbc);
        Add(SessionField.Ttclid, landing.Ttclid);
        Add(SessionField.Ttp, request.Ttp);
        Add(SessionField.LastPage, request.Url);
        Add(SessionField.ConsentAnalytics, request.Consent?.Analytics);
        Add(SessionField.ConsentMarketing, request.Consent?.Marketing);
        Add(SessionField.PosthogDistinctId, request.PosthogDistinctId);
        return new SessionVisit(request.SessionId!, fields, cleared, TouchJson: null, landing.Fbclid, now, client.Ip, client.UserAgent, request.PosthogDistinctId);
    }
}
