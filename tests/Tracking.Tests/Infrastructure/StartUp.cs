using Microsoft.Extensions.Options;

namespace Tracking.Tests.Infrastructure;

// One check for "a bad setting stops start-up with a message naming the key", shared by every settings test.
public static class StartUp
{
    /// <summary>Builds the app with <paramref name="key"/> = <paramref name="value"/>; fails unless start-up is refused with a message naming <paramref name="named"/>.</summary>
    public static void AssertRefused(string key, string value, string named)
    {
        using var app = new TrackingApp(new() { [key] = value });
        app.ExpectErrors(r => r.Category == "Microsoft.Extensions.Hosting.Internal.Host" && r.Message == "Hosting failed to start",
            "the bad setting must stop start-up, and the host logs that it did");

        var error = Record.Exception(() => app.CreateClient());

        Assert.NotNull(error);
        Assert.Contains(named, string.Join(" | ", Flatten(error).Select(e => e.Message)), StringComparison.Ordinal);
    }

    public static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            yield return current;
            foreach (var inner in (current as AggregateException)?.InnerExceptions.SelectMany(Flatten) ?? [])
            {
                yield return inner;
            }
            foreach (var failure in (current as OptionsValidationException)?.Failures ?? [])
            {
                yield return new InvalidOperationException(failure);
            }
        }
    }
}
