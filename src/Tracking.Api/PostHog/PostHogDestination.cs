using System.Net;
using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Infrastructure;

namespace Tracking.PostHog;

/// <summary>Sends outbox entries to PostHog's <c>/batch/</c> endpoint.</summary>
internal sealed class PostHogDestination(
    IPostHogApi api, IOptions<PostHogOptions> posthog, IOptions<DeliveryOptions> delivery, TimeProvider clock) : IDestination
{
    public string Name => "posthog";

    public bool Enabled => posthog.Value.Enabled;

    // PostHog gets every event the service records (named as in PostHogMapper).
    public bool Takes(string eventName) => true;

    // The age limit bounds the outbox while PostHog is unreachable or refuses our key.
    public DestinationRules Rules => new(
        ConsentPurpose.Analytics, posthog.Value.MaxAge, "PostHog:MaxAge", $"older than PostHog:MaxAge ({posthog.Value.MaxAge}); not sent");

    public async Task<IReadOnlyList<Outcome>> DeliverAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        var outcomes = new Outcome[batch.Count];
        var live = new List<(int Index, PostHogEvent[] Events)>(batch.Count);
        var historical = new List<(int Index, PostHogEvent[] Events)>();
        var dayAgo = (clock.GetUtcNow() - HistoricalAfter).ToUnixTimeMilliseconds();
        var people = new Dictionary<string, (System.Text.Json.JsonElement, System.Text.Json.JsonElement)>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var (_, entry, session) = batch[i];
            if (!people.TryGetValue(entry.SessionId, out var person))
            {
                people[entry.SessionId] = person = PostHogMapper.PersonProperties(session);
            }
            var mapped = PostHogMapper.Map(entry, session, person);
            // The identify travels with its event, in the same request: one entry, one outcome.
            PostHogEvent[] events = PostHogMapper.Identify(entry, mapped) is { } identify ? [identify, mapped] : [mapped];
            (entry.Timestamp < dayAgo ? historical : live).Add((i, events));
        }
        foreach (var (items, isHistorical) in new[] { (live, false), (historical, true) })
        {
            await Batches.SendIsolatingAsync(items, delivery.Value.BatchSize, part => SendAsync(part.SelectMany(p => p.Events).ToList(), isHistorical, cancellationToken), (item, outcome) => outcomes[item.Index] = outcome);
        }
        return outcomes;
    }

    // Events older than this go in a historical_migration batch, so PostHog does not take a replay for a live spike.
    private static readonly TimeSpan HistoricalAfter = TimeSpan.FromDays(1);

    private async Task<Outcome> SendAsync(IReadOnlyList<PostHogEvent> events, bool historical, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await api.BatchAsync(new PostHogBatch(posthog.Value.ApiKey, events, historical), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return Outcome.Delivered;
            }
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new Outcome.Retry($"PostHog refused our project key ({(int)response.StatusCode})", RetryKind.Unauthorized);
            }
            if (HttpFailures.IsRetryableStatus(response.StatusCode))
            {
                return new Outcome.Retry($"PostHog answered {(int)response.StatusCode}", HttpFailures.KindOf(response.StatusCode), HttpFailures.RetryAfter(response.Headers));
            }
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            var detail = content.Length > 0 ? content[..Math.Min(500, content.Length)] : "no body";
            return new Outcome.Dead($"PostHog {(int)response.StatusCode}: {detail}");
        }
        catch (Exception ex) when (HttpFailures.IsTransient(ex, cancellationToken))
        {
            return new Outcome.Retry($"PostHog unreachable: {ex.GetType().Name}", HttpFailures.KindOf(ex));
        }
    }
}
