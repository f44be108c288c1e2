using System.Globalization;

namespace Tracking.Storage;

/// <summary>
/// Durable daily counters per attribution key (last touch: source|medium|campaign|content). The script that accepts a
/// fact appends it, with what counting it needs as of that moment, to its partition's projection log (aggregates.lua's
/// <c>agg</c>, <see cref="Keys.AggregateLog"/>); the projection (<c>Projection/</c>) counts the log into these keys in
/// batches, in log order. Keys are per partition and per UTC day, so they sit on the session's slot and a report never
/// needs the (expired) sessions.
/// <para>
/// Distinct keys are bounded in two tiers, so that a flood of one-off keys cannot crowd out a campaign that keeps
/// receiving facts (a plain "first N keys of the day win" cap let a few thousand junk landings after midnight push
/// every later campaign into "(other)"):
/// </para>
/// <list type="bullet">
/// <item><b>admitted</b> (at most <see cref="MaxKeysPerPartitionDay"/>): counted in <c>agg:{p}:{day}</c>, never evicted.</item>
/// <item><b>candidates</b> (at most <see cref="MaxCandidatesPerPartitionDay"/>): a key not admitted is counted, exactly,
/// in <c>agg:{p}:{day}:cand</c> and ranked by facts counted in <c>agg:{p}:{day}:rank</c>. When the candidates are
/// full, a new key evicts the candidate with the fewest facts (of those, the oldest): its counts move to "(other)",
/// so totals stay exact. A candidate reaching <see cref="AdmitAfterFacts"/> facts is admitted, its counts moved
/// over in the same script.</item>
/// <item><b>allow-listed campaigns</b> (<c>Tracking__ReportCampaigns__N</c>) skip the candidates: admitted at once,
/// and once the admitted tier is full counted under <c>(other)||{campaign}|</c>, so their campaign counts stay exact
/// whatever a flood does.</item>
/// </list>
/// <para>
/// Beside them, <b>campaign cohorts</b> (<c>agg:{p}:{day}:sel</c>, fields <c>metric|campaign id</c>) answer "of the
/// visitors who picked this fundraising campaign, how many viewed, watched, checked out": a session joins a campaign's
/// cohort (<c>sessions</c>) when it first selects it (CampaignSelected, or a checkout for it), bringing the
/// once-per-session facts it already had; a fact counted later counts for the campaign selected at that moment.
/// </para>
/// <para>
/// A key's counts are exact as long as it was never evicted, and one-off junk is always evicted before a key with more
/// facts: a real campaign arriving after a flood is exact, and so is one that gets more facts than a one-off landing
/// before <see cref="MaxCandidatesPerPartitionDay"/> newer one-off keys land in its partition. Reports show candidates under
/// their own key. Storage per partition-day: at most 64 + 64 keys × <see cref="AggregateMetric"/> counters, plus one
/// "(other)" key per allow-listed campaign.
/// </para>
/// </summary>
internal static class Aggregates
{
    // Per partition-day; with 256 partitions a day holds at most 256 × (64 + 64) attribution keys in all. Sessions
    // spread over the partitions at random, so each partition sees every real campaign: a film with more live
    // source|medium|campaign|content combinations than that should list its campaigns in Tracking__ReportCampaigns.
    public const int MaxKeysPerPartitionDay = 64;

    public const int MaxCandidatesPerPartitionDay = 64;

    /// <summary>Facts (any metric) a candidate key needs to be admitted: two landings, or one landing followed by two of content view, video milestone, checkout.</summary>
    public const int AdmitAfterFacts = 4;

    /// <summary>
    /// Fundraising campaigns (selected_campaign) with their own cohort counters per partition-day (<c>agg:{p}:{day}:sel</c>);
    /// later ones count under "(other)". Campaign ids come from the page, so this bounds what a client can create.
    /// </summary>
    public const int MaxSelectedCampaignsPerPartitionDay = 64;

    /// <summary>
    /// Facts a partition's projection log holds at most. Past it the oldest facts
    /// go uncounted; at a peak of 10,000 facts/s over 256 partitions that is a projection stopped for about 20 minutes,
    /// long after /health/ready turned degraded (docs/redis-layout.md).
    /// </summary>
    public const int MaxProjectionFacts = 50_000;

    /// <summary>
    /// KEYS every script that counts a fact declares, in this order (<see cref="AggregateKeys"/> fills them): the
    /// partition-day counters (whose name gives the fact's day) and the partition's projection log.
    /// </summary>
    public static readonly string[] ScriptKeys = ["agg", "agg_log"];

    /// <summary>KEYS the projection declares besides <see cref="ScriptKeys"/> (<see cref="CounterKeys"/> fills them).</summary>
    public static readonly string[] CounterScriptKeys = ["agg_keys", "agg_cand", "agg_rank", "agg_sel"];

    /// <summary>The allow-listed campaigns, the last list of the projection (<see cref="ReportCampaigns"/> fills it).</summary>
    public static readonly ScriptList CampaignList = new("report_campaigns", "name");

    public static string Video(int percent) => AggregateMetric.VideoPrefix + percent.ToString(CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The <see cref="ScriptKeys"/> of one partition-day.</summary>
    public static ScriptCall AggregateKeys(this ScriptCall call, string tag, string day) => call
        .Key("agg", Keys.Aggregate(tag, day)).Key("agg_log", Keys.AggregateLog(tag));

    /// <summary>The <see cref="CounterScriptKeys"/> of one partition-day.</summary>
    public static ScriptCall CounterKeys(this ScriptCall call, string tag, string day) => call
        .Key("agg_keys", Keys.AggregateKeys(tag, day)).Key("agg_cand", Keys.AggregateCandidates(tag, day))
        .Key("agg_rank", Keys.AggregateRanks(tag, day)).Key("agg_sel", Keys.AggregateSelected(tag, day));

    /// <summary>The <see cref="CampaignList"/>.</summary>
    public static ScriptCall ReportCampaigns(this ScriptCall call, IReadOnlyList<string> campaigns)
    {
        call.List(CampaignList.Name);
        foreach (var campaign in campaigns)
        {
            call.Arg("name", campaign);
        }
        return call;
    }
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

    // One per milestone (Events.EventNames.Milestones): aggregate_tiers.lua moves a key's counters metric by metric.
    public const string Video25 = VideoPrefix + "25";
    public const string Video50 = VideoPrefix + "50";
    public const string Video75 = VideoPrefix + "75";
    public const string Video95 = VideoPrefix + "95";
}
