using Microsoft.Extensions.Options;
using Tracking.Meta;
using Tracking.PostHog;

namespace Tracking.Delivery;

/// <summary>Which destinations an event is queued for: enabled ones that take that event (the journey map).</summary>
internal sealed class OutboxRouting(IOptions<MetaOptions> meta, IOptions<PostHogOptions> posthog)
{
    public string DestinationsFor(string eventName)
    {
        var toMeta = meta.Value.Enabled && MetaMapper.EventName(eventName, meta.Value) is not null;
        var toPostHog = posthog.Value.Enabled;
        return (toMeta, toPostHog) switch
        {
            (true, true) => "meta,posthog",
            (true, false) => "meta",
            (false, true) => "posthog",
            _ => "",
        };
    }
}
