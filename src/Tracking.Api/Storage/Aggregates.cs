using System.Globalization;

namespace Tracking.Storage;

/// <summary>
/// Durable daily counters per attribution key (last touch: source|medium|campaign|content), written inside the
/// same script as the fact they count (library.lua's <c>agg</c>). Keys are per partition and per UTC day, so they
/// sit on the session's slot and a report never needs the (expired) sessions. Distinct attribution keys per
/// partition-day are capped; the rest count as "(other)".
/// </summary>
internal static class Aggregates
{
    public const int MaxKeysPerPartitionDay = 500;

    public static string Video(int percent) => AggregateMetric.VideoPrefix + percent.ToString(CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Counter names as the scripts write them (Lua: <c>M.Name</c>); "touches" is counted for future reports.</summary>
internal static class AggregateMetric
{
    public const string Sessions = "sessions";
    public const string Touches = "touches";
    public const string ContentViews = "content_views";
    public const string Checkouts = "checkouts";

    /// <summary>Followed by the milestone: video_25, video_50, …</summary>
    public const string VideoPrefix = "video_";
}
