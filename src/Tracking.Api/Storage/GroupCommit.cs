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

    /// <summary>
    /// Calls waiting in one lane at most (about 16 runs): past it a call is refused at once (503) instead of waiting
    /// behind a store that has stopped keeping up (a stalled Redis, replica acknowledgements timing out).
    /// </summary>
    public const int MaxWaiting = 512;

    private readonly ConcurrentDictionary<int, Lane> _lanes = new();

    public Task<RedisResult> RunAsync(ScriptCall call)
    {
        var (keys, args) = call.Build();
        var pending = new Pending(keys, args, new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        var lane = _lanes.GetOrAdd(db.Multiplexer.HashSlot(keys[0]), _ => new Lane());
        bool start;
        lock (lane)
        {
            if (lane.Waiting.Count >= MaxWaiting)
            {
                throw new RedisException($"{batched.Name}: {MaxWaiting} calls already wait for the store");
            }
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
            if (await RunAsync(batch) is { } failure)
            {
                // The store did not answer (timeout, connection): what waits behind the run would wait as long.
                FailWaiting(lane, failure);
            }
        }
    }

    private static void FailWaiting(Lane lane, Exception failure)
    {
        List<Pending> waiting;
        lock (lane)
        {
            waiting = [.. lane.Waiting];
            lane.Waiting.Clear();
        }
        foreach (var p in waiting)
        {
            p.Done.TrySetException(failure);
        }
    }

    // Never throws: whatever fails, every call of the batch gets an answer or the failure, so no request waits forever
    // and the lane keeps draining. Answers the failure when the store did not answer at all.
    private async Task<Exception?> RunAsync(List<Pending> batch)
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
                if (answers[i].Resp2Type != ResultType.Array)
                {
                    batch[i].Done.TrySetException(new RedisServerException($"{batched.Name}: an answer that is not a named result"));
                }
                else if (answers[i].Length == 2 && (string?)answers[i][0] == "error")
                {
                    batch[i].Done.TrySetException(new RedisServerException((string?)answers[i][1] ?? "script error"));
                }
                else
                {
                    batch[i].Done.TrySetResult(answers[i]);
                }
            }
            return null;
        }
        catch (Exception e)
        {
            foreach (var p in batch)
            {
                p.Done.TrySetException(e);
            }
            return e is RedisTimeoutException or RedisConnectionException ? e : null;
        }
    }

    private sealed class Lane
    {
        public readonly Queue<Pending> Waiting = new();
        public int Running;
    }

    private readonly record struct Pending(RedisKey[] Keys, RedisValue[] Args, TaskCompletionSource<RedisResult> Done);
}
