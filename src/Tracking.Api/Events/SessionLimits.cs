using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Tracking.Infrastructure;

namespace Tracking.Events;

/// <summary>
/// The per-session bounds as problems: a session holds at most Tracking__MaxEventsPerSession events, each at most
/// Tracking__MaxEventBytes as stored, so no session (and no read of it) can grow without bound.
/// </summary>
internal static class SessionLimits
{
    /// <summary>409: the session's events are at the cap; what was refused was not stored (nor queued, nor sent).</summary>
    public static ProblemHttpResult Full(long held, int max, string refused) => Problems.Status(
        StatusCodes.Status409Conflict, "Session event limit reached",
        $"This session holds {held} events and may hold at most {max} (Tracking__MaxEventsPerSession); {refused} would pass that, so nothing was stored. Start a new session (POST /session without sessionId).",
        "events");

    /// <summary>400 naming the first event whose stored form is larger than Tracking__MaxEventBytes; null when every event fits.</summary>
    public static ProblemHttpResult? TooLarge(IReadOnlyList<TrackedEvent> events, bool isBatch, int maxBytes)
    {
        for (var i = 0; i < events.Count; i++)
        {
            var bytes = Encoding.UTF8.GetByteCount(events[i].Member);
            if (bytes > maxBytes)
            {
                return Problems.Invalid(isBatch ? $"events[{i}].properties" : "properties",
                    $"The event as stored (url and properties) takes {bytes} bytes; at most {maxBytes} are allowed (Tracking__MaxEventBytes).");
            }
        }
        return null;
    }
}
