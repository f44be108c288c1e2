using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Infrastructure;

namespace Tracking.Meta;

/// <summary>Sends outbox entries to Meta's Conversions API, up to 1000 events per request.</summary>
internal sealed class MetaDestination(
    IMetaConversionsApi api, IOptions<MetaOptions> meta) : IDestination
{
    // Meta refuses a whole request holding one event older than 7 days; keep a margin for clock and queue time.
    private static readonly TimeSpan EventTimeLimit = TimeSpan.FromDays(7) - TimeSpan.FromMinutes(30);

    // Graph error codes about the token itself or its permissions: an operator must act.
    private static readonly int[] CredentialErrors = [10, 102, 190, 200];

    // Graph error codes that are about our token, permissions or throttling, never about the event itself.
    private static readonly int[] NotTheEventsFault = [1, 2, 4, 10, 17, 32, 102, 190, 200, 613];

    // Of those, the throttling ones (application, user, page, hourly call limits).
    private static readonly int[] Throttling = [4, 17, 32, 613];

    // Meta's limit of events per request.
    private const int MaxEventsPerRequest = 1000;

    public string Name => "meta";

    public bool Enabled => meta.Value.Enabled;

    public bool Takes(string eventName) => MetaMapper.EventName(eventName, meta.Value) is not null;

    public DestinationRules Rules { get; } = new(
        ConsentPurpose.Marketing, EventTimeLimit, "Meta's 7-day limit", "older than Meta's 7-day limit for event_time; not sent");

    public async Task<IReadOnlyList<Outcome>> DeliverAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        var outcomes = new Outcome[batch.Count];
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        string Hash(string value) => hashes.TryGetValue(value, out var h) ? h : hashes[value] = Hashing.Sha256(value);
        var toSend = batch.Select((p, i) => (Index: i, Event: MetaMapper.Map(p.Entry, p.Session, meta.Value, Hash))).ToList();
        await Batches.SendIsolatingAsync(toSend, MaxEventsPerRequest, part => SendAsync(part.Select(p => p.Event).ToList(), cancellationToken), (item, outcome) => outcomes[item.Index] = outcome);
        return outcomes;
    }

    private async Task<Outcome> SendAsync(IReadOnlyList<MetaServerEvent> events, CancellationToken cancellationToken)
    {
        var options = meta.Value;
        var body = new MetaEventsRequest(events, options.AccessToken, string.IsNullOrWhiteSpace(options.TestEventCode) ? null : options.TestEventCode);
        try
        {
            using var response = await api.SendAsync(options.ApiVersion, options.PixelId, body, cancellationToken);
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            return Classify(response, content);
        }
        catch (Exception ex) when (HttpFailures.IsTransient(ex, cancellationToken))
        {
            return new Outcome.Retry($"Meta unreachable: {ex.GetType().Name}", HttpFailures.KindOf(ex));
        }
    }

    private static Outcome Classify(HttpResponseMessage response, string content)
    {
        if (response.IsSuccessStatusCode)
        {
            // A 2xx we cannot read may not be an acceptance: send again, event_id makes that harmless.
            return ResponseBody.TryRead(content, MetaJson.Default.MetaResponse) is { EventsReceived: > 0 }
                ? Outcome.Delivered
                : new Outcome.Retry("Meta answered 2xx without events_received", RetryKind.BadResponse);
        }
        if (HttpFailures.IsRetryableStatus(response.StatusCode))
        {
            return new Outcome.Retry($"Meta answered {(int)response.StatusCode}", HttpFailures.KindOf(response.StatusCode), HttpFailures.RetryAfter(response.Headers));
        }
        var error = ResponseBody.TryRead(content, MetaJson.Default.MetaErrorBody)?.Error;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (error is not null && CredentialErrors.Contains(error.Code)))
        {
            return new Outcome.Retry($"Meta refused our token ({(int)response.StatusCode}: {error?.Message ?? "no error body"})", RetryKind.Unauthorized);
        }
        if (error is null || NotTheEventsFault.Contains(error.Code))
        {
            var kind = error is not null && Throttling.Contains(error.Code) ? RetryKind.RateLimited : RetryKind.ServerError;
            return new Outcome.Retry($"Meta answered {(int)response.StatusCode}: {error?.Message ?? "no error body"}", kind);
        }
        return new Outcome.Dead($"Meta {(int)response.StatusCode} code {error.Code}/{error.ErrorSubcode}: {error.Message} {error.ErrorUserMsg}".Trim());
    }
}
