using System.Collections.Concurrent;
using StackExchange.Redis;
using Tracking.Infrastructure;

namespace Tracking.Storage;

/// <summary>
/// Group commit: calls of one script that arrive while earlier ones are on their way to Redis are sent together, as
/// one run of its batched form (<see cref="RedisScript.LoadBatched"/>). A call is sent at once when fewer than
/// <see cref="MaxInFlight"/> runs of its lane are out, so a lone request waits for nothing; under load, each round
/// trip and each script start (Redis parsing the call, binding the name tables) is shared by up to
/// <see cref="MaxBatch"/> calls (and <see cref="MaxArgs"/> arguments): the store's rate is bounded by those
/// (docs/capacity.md). Each call still runs alone inside the script, in arrival order, with its own answer; replicas
/// are awaited once per run. A lane is a cluster hash slot (a script's keys share one), or the whole store when it is
/// not a cluster.
/// </summary>
internal sealed class GroupCommit(IDatabase db, RedisScript batched, TrackingMetrics metrics)
{
    /// <summary>Calls per run.</summary>
    public const int MaxBatch = 32;

    /// <summary>
    /// Arguments per run (about 100 events): bounds the time one run holds Redis (tens of µs per event), so calls
    /// carrying many events each go in smaller runs. A call larger than this goes alone.
    /// </summary>
    public const int MaxArgs = 2048;

    /// <summary>Runs of one lane on their way at once: one being sent while the previous one's answer comes back.</summary>
    public const int MaxInFlight = 2;

    private readonly ConcurrentDictionary<int, Lane> _lanes = new();

    public Task<RedisResult> RunAsync(ScriptCall call)
    {
        var (keys, args) = call.Build();
        var pending = new Pending(keys, args, new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        var lane = _lanes.GetOrAdd(db.Multiplexer.HashSlot(keys[0]), _ => new Lane());
        bool start;
        lock (lane)
        {
            lane.Waiting.Enqueue(pending);
            start = lane.Running < MaxInFlight;
            if (start)
            {
                lane.Running++;
            }
        }
        if (start)
        {
            _ = DrainAsync(lane);
        }
        return pending.Done.Task;
    }

    // Sends what waits in the lane, a run at a time, until nothing does.
    private async Task DrainAsync(Lane lane)
    {
        while (true)
        {
            List<Pending> batch;
            lock (lane)
            {
                if (lane.Waiting.Count == 0)
                {
                    lane.Running--;
                    return;
                }
                batch = new List<Pending>(Math.Min(lane.Waiting.Count, MaxBatch));
                var args = 0;
                while (batch.Count < MaxBatch && lane.Waiting.TryPeek(out var next) && (batch.Count == 0 || args + next.Args.Length <= MaxArgs))
                {
                    batch.Add(lane.Waiting.Dequeue());
                    args += next.Args.Length;
                }
            }
            await RunAsync(batch);
        }
    }

    // Never throws: whatever fails, every call of the batch gets an answer or the failure, so no request waits forever
    // and the lane keeps draining.
    private async Task RunAsync(List<Pending> batch)
    {
        try
        {
            var keys = new RedisKey[batch.Sum(p => p.Keys.Length)];
            var args = new RedisValue[1 + batch.Sum(p => p.Args.Length)];
            args[0] = batch.Count;
            int k = 0, a = 1;
            foreach (var p in batch)
            {
                p.Keys.CopyTo(keys, k);
                p.Args.CopyTo(args, a);
                k += p.Keys.Length;
                a += p.Args.Length;
            }
            metrics.Committed(batched.Name, batch.Count);
            var answers = (RedisResult[])(await batched.RunAsync(db, keys, args))!;
            for (var i = 0; i < batch.Count; i++)
            {
                var answer = (RedisResult[])answers[i]!;
                if (answer.Length == 2 && (string?)answer[0] == "error")
                {
                    batch[i].Done.TrySetException(new RedisServerException((string?)answer[1] ?? "script error"));
                }
                else
                {
                    batch[i].Done.TrySetResult(answers[i]);
                }
            }
        }
        catch (Exception e)
        {
            foreach (var p in batch)
            {
                p.Done.TrySetException(e);
            }
        }
    }

    private sealed class Lane
    {
        public readonly Queue<Pending> Waiting = new();
        public int Running;
    }

    private readonly record struct Pending(RedisKey[] Keys, RedisValue[] Args, TaskCompletionSource<RedisResult> Done);
}
