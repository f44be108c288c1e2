namespace Tracking.Events;

/// <summary>
/// visits.lua: the visit rule (PostHog's <c>$session_id</c>: a new visit after 30 minutes without events) as script
/// functions, included by every script that queues an event for PostHog, so browser and server events share visits.
/// </summary>
internal static class Visits
{
    public const string Part = "visits.lua";
}
