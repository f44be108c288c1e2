using Tracking.Consent;
using Tracking.Events;
using Tracking.Infrastructure;

namespace Tracking.Sessions;

internal static class SessionValidator
{
    private const int MaxUrl = 2048;
    private const int MaxParam = 256;
    private const int MaxClickId = 512;

    public static (Landing? Landing, FieldErrors Errors) Validate(SessionRequest request)
    {
        var errors = new FieldErrors();
        Uri? url = null;
        if (string.IsNullOrWhiteSpace(request.Url))
        {
            errors.Add("url", "The landing URL is required.");
        }
        else if (request.Url.Length > MaxUrl)
        {
            errors.MaxLength("url", request.Url, MaxUrl);
        }
        else if (!Uri.TryCreate(request.Url, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add("url", "Must be an absolute http(s) URL.");
        }
        errors.MaxLength("referrer", request.Referrer, MaxUrl);
        errors.SafeId("sessionId", request.SessionId);
        if (request.PageLoadKey is not null && (request.PageLoadKey.Length < 16 || !Storage.Ids.IsSafe(request.PageLoadKey, 64)))
        {
            errors.Add("pageLoadKey", "Must be 16-64 characters of A-Z, a-z, 0-9, '_', '-', '.', ':'.");
        }
        if (request.VisitorId is not null && (request.VisitorId.Length < 8 || !Storage.Ids.IsSafe(request.VisitorId, 64)))
        {
            errors.Add("visitorId", "Must be 8-64 characters of A-Z, a-z, 0-9, '_', '-', '.', ':'.");
        }
        errors.MaxLength("fbp", request.Fbp, MaxParam);
        errors.MaxLength("fbc", request.Fbc, MaxClickId);
        errors.MaxLength("ttp", request.Ttp, MaxParam);
        errors.MaxLength("posthogDistinctId", request.PosthogDistinctId, 200);
        // The browser's id is a claim: one in our own namespaces would borrow (and let erasure delete) someone else's person.
        if (PersonIds.IsOwn(request.PosthogDistinctId))
        {
            errors.Add("posthogDistinctId", PersonIds.Rule);
        }
        Consent("consent.analytics", request.Consent?.Analytics, errors);
        Consent("consent.marketing", request.Consent?.Marketing, errors);
        if (errors.Any)
        {
            return (null, errors);
        }

        // Explicit values and the URL's query are checked after merging: both come from the visitor.
        var landing = Landing.From(request, url!);
        errors.MaxLength("utm.source", landing.Utm.Source, MaxParam);
        errors.MaxLength("utm.medium", landing.Utm.Medium, MaxParam);
        errors.MaxLength("utm.campaign", landing.Utm.Campaign, MaxParam);
        errors.MaxLength("utm.content", landing.Utm.Content, MaxParam);
        errors.MaxLength("utm.term", landing.Utm.Term, MaxParam);
        errors.MaxLength("fbclid", landing.Fbclid, MaxClickId);
        errors.MaxLength("gclid", landing.Gclid, MaxClickId);
        errors.MaxLength("ttclid", landing.Ttclid, MaxClickId);
        errors.MaxLength("gbraid", landing.Gbraid, MaxClickId);
        errors.MaxLength("wbraid", landing.Wbraid, MaxClickId);
        return (errors.Any ? null : landing, errors);
    }

    private static void Consent(string field, string? value, FieldErrors errors)
    {
        if (value is not null and not (ConsentRules.Granted or ConsentRules.Denied or ConsentRules.Pending))
        {
            errors.Add(field, "Must be 'granted', 'denied' or 'pending'.");
        }
    }
}
