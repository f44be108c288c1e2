using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Infrastructure;

namespace Tracking.TikTok;

/// <summary>Sends outbox entries to TikTok's Events API, up to 1000 events per request.</summary>
internal sealed class TikTokDestination(ITikTokEventsApi api, IOptions<TikTokOptions> tiktok) : IDestination
{
    // TikTok attributes events up to 28 days old (its longest click-through window); keep a margin for queue time.
    private static readonly TimeSpan EventTimeLimit = TimeSpan.FromDays(28) - TimeSpan.FromMinutes(30);

    // TikTok's limit of events per request.
    private const int MaxEventsPerRequest = 1000;

    public string Name => "tiktok";

    public bool Enabled => tiktok.Value.Enabled;

    public bool Takes(string eventName) => TikTokMapper.EventName(eventName) is not null;

    public DestinationRules Rules { get; } = new(
        ConsentPurpose.Marketing, EventTimeLimit, "TikTok's 28-day window", "older than TikTok's 28-day attribution window; not sent");

    public async Task<IReadOnlyList<Outcome>> DeliverAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        var outcomes = new Outcome[batch.Count];
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        string Hash(string value) => hashes.TryGetValue(value, out var h) ? h : hashes[value] = Hashing.Sha256(value);
        var toSend = batch.Select((p, i) => (Index: i, Event: TikTokMapper.Map(p.Entry, p.Session, Hash))).ToList();
        await Batches.SendIsolatingAsync(toSend, MaxEventsPerRequest, part => SendAsync(part.Select(p => p.Event).ToList(), cancellationToken), (item, outcome) => outcomes[item.Index] = outcome);
        return outcomes;
    }

    private async Task<Outcome> SendAsync(IReadOnlyList<TikTokEvent> events, CancellationToken cancellationToken)
    {
        var options = tiktok.Value;
        var body = new TikTokTrackRequest("web", options.PixelCode, string.IsNullOrWhiteSpace(options.TestEventCode) ? null : options.TestEventCode, events);
        try
        {
            using var response = await api.TrackAsync(options.AccessToken, body, cancellationToken);
            if (HttpFailures.IsRetryableStatus(response.StatusCode))
            {
                return new Outcome.Retry($"TikTok answered {(int)response.StatusCode}", HttpFailures.KindOf(response.StatusCode), HttpFailures.RetryAfter(response.Headers));
            }
            if (response.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            {
                return new Outcome.Retry($"TikTok refused our access token ({(int)response.StatusCode})", RetryKind.Unauthorized);
            }
            var answer = ResponseBody.TryRead(await response.Content.ReadAsStringAsync(cancellationToken), TikTokJson.Default.TikTokResponse);
            if (!response.IsSuccessStatusCode)
            {
                return answer?.Code is { } failed && failed != 0
                    ? TikTokCodes.Classify(failed, answer.Message)
                    : new Outcome.Dead($"TikTok {(int)response.StatusCode}: {answer?.Message ?? "no error body"}");
            }
            // TikTok answers HTTP 200 with the verdict in "code"; a 2xx we cannot read may not be an acceptance, so it is
            // sent again (event_id makes that harmless).
            return answer?.Code switch
            {
                0 => Outcome.Delivered,
                { } code => TikTokCodes.Classify(code, answer.Message),
                null => new Outcome.Retry("TikTok answered 2xx without a code", RetryKind.BadResponse),
            };
        }
        catch (Exception ex) when (HttpFailures.IsTransient(ex, cancellationToken))
        {
            return new Outcome.Retry($"TikTok unreachable: {ex.GetType().Name}", HttpFailures.KindOf(ex));
        }
    }
}
