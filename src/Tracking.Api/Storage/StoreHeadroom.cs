using Microsoft.Extensions.Options;

namespace Tracking.Storage;

/// <summary>
/// Whether Redis still has room for browser writes, as the last <see cref="StoreHeadroomSampler"/> pass found it. Redis
/// runs with <c>noeviction</c>, so a full Redis refuses every write, the Stripe webhook's too: browser writes stop at
/// <c>Redis:BrowserWriteLimitPercent</c> of <c>maxmemory</c>, and the rest stays for payments, ops and delivery. The
/// request path reads this cached answer and never asks Redis.
/// </summary>
public sealed class StoreHeadroom(IOptions<RedisOptions> options)
{
    private readonly object _gate = new();
    private TaskCompletionSource _nextSample = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile MemorySample? _fullest;

    public int LimitPercent => options.Value.BrowserWriteLimitPercent;

    /// <summary>False once a master's <c>used_memory</c> reached the limit, until a pass finds it below again.</summary>
    public bool BrowserWritesAllowed => _fullest is not { } fullest || !fullest.Reaches(LimitPercent);

    /// <summary>The fullest master of the last pass (null before the first, or when no master answered).</summary>
    public MemorySample? Fullest => _fullest;

    /// <summary>Completes when a pass that started after this call has finished (a barrier for tests and start-up).</summary>
    public Task NextSampleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // A pass that already started may have read memory before the caller's writes: wait for the one after it.
            var current = _nextSample.Task;
            return current.ContinueWith(_ => NextAfterCurrent(), cancellationToken, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private Task NextAfterCurrent()
    {
        lock (_gate)
        {
            return _nextSample.Task;
        }
    }

    internal void Record(MemorySample? fullest)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            _fullest = fullest;
            done = _nextSample;
            _nextSample = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        done.SetResult();
    }
}

/// <param name="UsedMemory">INFO memory's <c>used_memory</c>, in bytes.</param>
/// <param name="MaxMemory">INFO memory's <c>maxmemory</c>; 0 = no limit.</param>
public sealed record MemorySample(string Node, long UsedMemory, long MaxMemory)
{
    public double Percent => MaxMemory == 0 ? 0 : 100.0 * UsedMemory / MaxMemory;

    /// <summary>A node without <c>maxmemory</c> never fills up as far as this limit is concerned.</summary>
    public bool Reaches(int percent) => MaxMemory > 0 && UsedMemory * 100 >= (long)percent * MaxMemory;
}
