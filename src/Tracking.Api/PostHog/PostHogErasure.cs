using Microsoft.Extensions.Options;
using Tracking.Delivery;

namespace Tracking.PostHog;

/// <summary>What an erasure asked of PostHog: <c>Status</c> not-configured, accepted or failed; <c>Asked</c> the distinct ids sent.</summary>
internal readonly record struct PostHogDeletion(string Status, int Asked);

/// <summary>
/// Asks PostHog to delete the persons (and their events) behind distinct ids, on erasure. The caller passes only ids
/// no other visitor's records carry: PostHog deletes a whole person, whoever else it holds.
/// </summary>
internal sealed partial class PostHogErasure(IPostHogPersonsApi api, IOptions<PostHogOptions> options, ILogger<PostHogErasure> logger)
{
    // PostHog's bulk deletion takes at most this many distinct ids per call.
    private const int MaxIdsPerCall = 1000;

    public async Task<PostHogDeletion> DeleteAsync(IReadOnlyList<string> distinctIds, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.ErasureEnabled || distinctIds.Count == 0)
        {
            return new("not-configured", 0);
        }
        var ids = distinctIds.Take(MaxIdsPerCall).ToList();
        try
        {
            using var response = await api.BulkDeleteAsync(o.ProjectId, new PostHogBulkDelete(ids), "Bearer " + o.PersonalApiKey, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new("accepted", ids.Count);
            }
            Log.Refused(logger, (int)response.StatusCode);
            return new("failed", ids.Count);
        }
        catch (Exception ex) when (HttpFailures.IsTransient(ex, cancellationToken) || ex is Polly.CircuitBreaker.BrokenCircuitException)
        {
            Log.Unreachable(logger, ex.GetType().Name);
            return new("failed", ids.Count);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "PostHog refused the person deletion ({Status}); delete the person in PostHog by hand")]
        public static partial void Refused(ILogger logger, int status);

        [LoggerMessage(Level = LogLevel.Warning, Message = "PostHog unreachable for the person deletion ({Kind}); delete the person in PostHog by hand")]
        public static partial void Unreachable(ILogger logger, string kind);
    }
}
