using Microsoft.Extensions.Options;
using Tracking.Delivery;

namespace Tracking.PostHog;

/// <summary>Asks PostHog to delete the persons (and their events) behind a visitor's distinct ids, on erasure.</summary>
internal sealed partial class PostHogErasure(IPostHogPersonsApi api, IOptions<PostHogOptions> options, ILogger<PostHogErasure> logger)
{
    /// <returns>not-configured, accepted or failed.</returns>
    public async Task<string> DeleteAsync(IReadOnlyList<string> distinctIds, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.ErasureEnabled || distinctIds.Count == 0)
        {
            return "not-configured";
        }
        try
        {
            using var response = await api.BulkDeleteAsync(o.ProjectId, new PostHogBulkDelete([.. distinctIds.Take(1000)]), "Bearer " + o.PersonalApiKey, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return "accepted";
            }
            Log.Refused(logger, (int)response.StatusCode);
            return "failed";
        }
        catch (Exception ex) when (HttpFailures.IsTransient(ex, cancellationToken) || ex is Polly.CircuitBreaker.BrokenCircuitException)
        {
            Log.Unreachable(logger, ex.GetType().Name);
            return "failed";
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
