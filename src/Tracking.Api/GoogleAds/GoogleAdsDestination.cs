using System.Net;
using System.Text.Json;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Options;
using Tracking.Delivery;

namespace Tracking.GoogleAds;

/// <summary>
/// Sends donations (and signups, when configured) to Google Ads through the Data Manager API, one request per
/// conversion action, up to 2,000 events each.
/// </summary>
internal sealed class GoogleAdsDestination(IGoogleAdsApi api, GoogleAdsRequests requests, IOptions<GoogleAdsOptions> google) : IDestination
{
    // Google Ads imports conversions up to 90 days after the click; keep a margin for clock and queue time.
    private static readonly TimeSpan EventTimeLimit = TimeSpan.FromDays(90) - TimeSpan.FromHours(1);

    // The Data Manager's limit of events per request.
    private const int MaxEventsPerRequest = 2000;

    public const string NothingToMatch = "no Google click id and no e-mail: Google could match it to nothing";

    public string Name => "googleads";

    public bool Enabled => google.Value.Enabled;

    public bool Takes(string eventName) => GoogleAdsMapper.ConversionAction(eventName, google.Value) is not null;

    public DestinationRules Rules { get; } = new(
        ConsentPurpose.Marketing, EventTimeLimit, "Google Ads' 90-day import window", "older than Google Ads' 90-day conversion import window; not sent");

    public async Task<IReadOnlyList<Outcome>> DeliverAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        // Results of earlier requests first: each pass learns what Google made of the previous ones.
        await requests.CheckAsync(cancellationToken);
        var options = google.Value;
        var outcomes = new Outcome[batch.Count];
        var toSend = new List<(int Index, string Action, DataManagerEvent Event)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var action = GoogleAdsMapper.ConversionAction(batch[i].Entry.Event, options);
            if (action is null)
            {
                // Leads queued before GoogleAds:LeadConversionActionId was emptied.
                outcomes[i] = new Outcome.Skipped("no Google Ads conversion action for this event");
            }
            else if (GoogleAdsMapper.Map(batch[i].Entry, batch[i].Session) is { } mapped)
            {
                toSend.Add((i, action, mapped));
            }
            else
            {
                outcomes[i] = new Outcome.Skipped(NothingToMatch);
            }
        }
        foreach (var group in toSend.GroupBy(s => s.Action, StringComparer.Ordinal))
        {
            await Batches.SendIsolatingAsync(group.ToList(), MaxEventsPerRequest,
                part => SendAsync(group.Key, part.Select(p => p.Event).ToList(), cancellationToken), (item, outcome) => outcomes[item.Index] = outcome);
        }
        return outcomes;
    }

    private async Task<Outcome> SendAsync(string conversionAction, List<DataManagerEvent> events, CancellationToken cancellationToken)
    {
        var options = google.Value;
        var login = string.IsNullOrWhiteSpace(options.LoginCustomerId) ? null : new ProductAccount("GOOGLE_ADS", options.LoginCustomerId);
        var body = new IngestEventsRequest([new(new("GOOGLE_ADS", options.CustomerId), login, conversionAction)], events, "HEX");
        try
        {
            using var response = await api.IngestAsync(body, cancellationToken);
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            return Classify(response, content, events.Count);
        }
        catch (Exception ex) when (TokenRefusal(ex) is { } refusal && !(refusal.StatusCode is { } s && HttpFailures.IsRetryableStatus(s)))
        {
            // The token endpoint refused the key (revoked, deleted, wrong token_uri): an operator must act.
            return new Outcome.Retry($"Google refused the service account key: {refusal.Error?.Error}", RetryKind.Unauthorized);
        }
        catch (Exception ex) when (HttpFailures.IsTransient(ex, cancellationToken))
        {
            return new Outcome.Retry($"Google Ads unreachable: {ex.GetType().Name}", HttpFailures.KindOf(ex));
        }
    }

    /// <summary>The token endpoint's refusal, however the HTTP client library wrapped it.</summary>
    private static TokenResponseException? TokenRefusal(Exception ex)
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            if (current is TokenResponseException refusal)
            {
                return refusal;
            }
        }
        return null;
    }

    private Outcome Classify(HttpResponseMessage response, string content, int events)
    {
        if (response.IsSuccessStatusCode)
        {
            // Accepted for processing; the outcome of processing comes later (GoogleAdsRequests). A 2xx without a
            // request id may not be an acceptance: send again, transaction_id makes that harmless.
            if (ResponseBody.TryRead(content, GoogleAdsJson.Default.IngestEventsResponse)?.RequestId is { Length: > 0 } id)
            {
                requests.Track(id, events);
                return Outcome.Delivered;
            }
            return new Outcome.Retry("Google Ads answered 2xx without a requestId", RetryKind.BadResponse);
        }
        var error = ResponseBody.TryRead(content, GoogleAdsJson.Default.GoogleErrorBody)?.Error;
        var words = $"Google Ads {(int)response.StatusCode} {error?.Status}: {error?.Message ?? "no error body"}";
        if (HttpFailures.IsRetryableStatus(response.StatusCode))
        {
            return new Outcome.Retry(words, HttpFailures.KindOf(response.StatusCode), HttpFailures.RetryAfter(response.Headers));
        }
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new Outcome.Retry(words, RetryKind.Unauthorized);
        }
        // 400 INVALID_ARGUMENT and the like: the request's content; the batch is split until the bad event stands alone.
        return new Outcome.Dead(words);
    }
}
