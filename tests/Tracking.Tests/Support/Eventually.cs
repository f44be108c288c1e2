using System.Diagnostics;

namespace Tracking.Tests.Support;

// The suite's only polling helper: every wait is bounded and, when the bound passes, fails saying what it waited for and how long.
public static class Eventually
{
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <paramref name="timeout"/>.</summary>
    /// <param name="what">What is awaited, as the failure message should name it ("every event delivered to Meta").</param>
    /// <param name="state">Describes what was last seen, added to the failure message ("38 of 40 delivered").</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? poll = null, Func<string>? state = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return;
            }
            if (clock.Elapsed >= timeout)
            {
                Fail(what, timeout, clock.Elapsed, state);
            }
            await Task.Delay(poll ?? DefaultPoll);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? poll = null, Func<string>? state = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, poll, state);

    /// <summary>Blocking form, for synchronous set-up code (a process opening its port).</summary>
    public static void Until(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? poll = null, Func<string>? state = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed >= timeout)
            {
                Fail(what, timeout, clock.Elapsed, state);
            }
            Thread.Sleep(poll ?? DefaultPoll);
        }
    }

    private static void Fail(string what, TimeSpan timeout, TimeSpan waited, Func<string>? state) =>
        Assert.Fail($"Gave up waiting for {what}: still not true after {waited.TotalSeconds:0.0} s (bound {timeout.TotalSeconds:0.#} s)"
            + (state is null ? "." : $"; last seen: {state()}."));
}
