using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Projection;

/// <summary>
/// Gateway of project.lua: counts a partition's projection log (<see cref="Keys.AggregateLog"/>) into its daily
/// counters, a batch per script. Each run counts and trims the same facts atomically, so projectors in every replica
/// (the worker, a report catching up) may run at once and a crash between runs loses and repeats nothing.
/// </summary>
internal sealed class Projector(IDatabase db, IOptions<AggregateOptions> aggregates, IOptions<RetentionOptions> retention, TimeProvider clock)
{
    /// <summary>
    /// Facts per script. A fact costs a few µs, and up to ~100 µs when a flood of one-off keys makes every fact evict a
    /// candidate: a batch then holds the Redis thread ~5 ms at most, so requests queued behind it keep their latency.
    /// </summary>
    public const int BatchSize = 50;

    // Runs per partition in one pass (BatchSize × this facts): a pass ends even while a flood keeps the log full.
    private const int RunsPerPass = 200;

    private static readonly ScriptLayout Layout = new(
        [.. Aggregates.ScriptKeys, .. Aggregates.CounterScriptKeys, "agg_stream"], ["retain", "batch"], Aggregates.CampaignList);
    private static readonly RedisScript Script = RedisScript.Load("project.lua", Layout, acknowledged: false, statuses: typeof(ProjectionStatus));

    // The day each partition's log was last projected in: the first run of a pass guesses it (a log changes day once a day).
    private readonly string?[] _days = new string?[Partitions.Count];

    // Logs in the earlier layout (Keys.AggregateStreamLog) are looked for on every pass until one finds none (facts
    // written before the upgrade count in the first passes after it), then every StreamCheckEvery passes, which
    // finds what a replica still running the earlier version appends during a rolling upgrade.
    private const int StreamCheckEvery = 60;
    private int _passesUntilStreamCheck;

    /// <summary>
    /// Projects every partition's log that holds facts (all at once, pipelined) up to the facts it held when the pass
    /// reached it. An idle log costs one LLEN, not a script (a script costs tens of µs before it reads anything).
    /// </summary>
    public async Task<ProjectionPass> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        var lengths = await Task.WhenAll(Partitions.Tags.Select(t => db.ListLengthAsync(Keys.AggregateLog(t))));
        var check = Interlocked.Decrement(ref _passesUntilStreamCheck) < 0;
        var streams = check ? await Task.WhenAll(Partitions.Tags.Select(t => db.KeyExistsAsync(Keys.AggregateStreamLog(t)))) : null;
        var waiting = Enumerable.Range(0, Partitions.Count).Where(p => lengths[p] > 0 || streams?[p] == true);
        var pass = ProjectionPass.Sum(await Task.WhenAll(waiting.Select(p => ProjectAsync(p, cancellationToken))));
        if (check)
        {
            Volatile.Write(ref _passesUntilStreamCheck, streams!.Any(s => s) ? 0 : StreamCheckEvery);
        }
        return pass;
    }

    /// <summary>Projects one partition's log until a run finds less than a batch (or <see cref="RunsPerPass"/> runs).</summary>
    public async Task<ProjectionPass> ProjectAsync(int partition, CancellationToken cancellationToken = default)
    {
        var tag = Partitions.Tags[partition];
        var day = _days[partition] ?? Aggregates.Day(clock.GetUtcNow());
        long applied = 0, first = 0, pending = 0;
        for (var runs = 0; runs < RunsPerPass; runs++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = await RunAsync(tag, day);
            applied += run.Applied;
            pending = run.Pending;
            if (first == 0)
            {
                first = run.First;
            }
            if (run.Status == ProjectionStatus.OtherDay)
            {
                // Only this service writes facts, with a day it formatted; anything else would stop here rather than loop.
                if (!DateOnly.TryParseExact(run.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    return new(applied, first, pending, false);
                }
                day = run.Day;
                continue;
            }
            _days[partition] = day;
            if (run.Status == ProjectionStatus.Done)
            {
                return new(applied, first, pending, false);
            }
        }
        return new(applied, first, pending, true);
    }

    private async Task<ProjectionRun> RunAsync(string tag, string day)
    {
        var call = new ScriptCall(Layout)
            .AggregateKeys(tag, day).CounterKeys(tag, day).Key("agg_stream", Keys.AggregateStreamLog(tag))
            .Arg("retain", retention.Value.Seconds).Arg("batch", BatchSize)
            .ReportCampaigns(aggregates.Value.ReportCampaigns);
        var result = ScriptResult.From(await Script.RunAsync(db, call));
        return new(result.Status<ProjectionStatus>(), result.Long("applied"), result.String("day"), result.Long("first"), result.Long("pending"));
    }
}
