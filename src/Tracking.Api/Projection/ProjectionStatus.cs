namespace Tracking.Projection;

/// <summary>What one run of project.lua did (it answers <c>S.Name</c>).</summary>
internal enum ProjectionStatus
{
    /// <summary>The facts it read were all counted and fewer than a batch: the log is caught up to the call.</summary>
    Done,

    /// <summary>A full batch was counted: more may wait.</summary>
    More,

    /// <summary>The next fact counts in another day (<see cref="ProjectionRun.Day"/>): project it with that day's keys.</summary>
    OtherDay,
}

/// <summary>One run of project.lua: its status, facts counted, the next fact's day (OtherDay), the oldest fact found (ms) and facts left.</summary>
internal readonly record struct ProjectionRun(ProjectionStatus Status, long Applied, string Day, long First, long Pending);

/// <summary>A pass over partitions: facts counted, the oldest fact found waiting (ms, 0: none), facts left, and whether a partition still had more.</summary>
internal readonly record struct ProjectionPass(long Applied, long Oldest, long Pending, bool Unfinished)
{
    public static ProjectionPass Sum(IEnumerable<ProjectionPass> passes) => passes.Aggregate(default(ProjectionPass), (a, b) => new(
        a.Applied + b.Applied, a.Oldest == 0 ? b.Oldest : b.Oldest == 0 ? a.Oldest : Math.Min(a.Oldest, b.Oldest),
        a.Pending + b.Pending, a.Unfinished || b.Unfinished));
}
