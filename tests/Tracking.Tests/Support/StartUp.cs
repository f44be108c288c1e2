using Microsoft.Extensions.Options;

namespace Tracking.Tests.Support;

// One check for "a bad setting stops start-up with a message naming the key", shared by every settings test.
public static class StartUp
{
    /// <summary>What the host logs (Critical, with the exception) when its start fails.</summary>
    public const string HostFailed = "Hosting failed to start";

    /// <summary>Builds the app with <paramref name="key"/> = <paramref name="value"/>; fails unless start-up is refused with a message naming <paramref name="named"/>.</summary>
    public static void AssertRefused(string key, string value, string named)
    {
        using var app = new TrackingApp(new() { [key] = value });
        app.ExpectErrors(r => r.Category == "Microsoft.Extensions.Hosting.Internal.Host" && r.Message == HostFailed,
            "the bad setting must stop start-up, and the host logs that it did");
        Assert.Contains(named, RefusalMessages(app), StringComparison.Ordinal);
    }

    /// <summary>
    /// Starts <paramref name="app"/>, fails unless the start is refused, and returns every message of the refusal.
    /// A setting checked while the app is built fails in the thrown exception. One validated when the host starts is
    /// logged by the host ("Hosting failed to start", on the entry point's thread, before the failure reaches the
    /// factory), and the factory may then throw ObjectDisposedException instead of it: with a minimal-API Program it
    /// can read the host's services after the failed host disposed them (dotnet/aspnetcore#40271 and kin; CI met it).
    /// So both places are read.
    /// </summary>
    public static string RefusalMessages(TrackingApp app)
    {
        var error = Record.Exception(() => app.CreateClient());
        Assert.NotNull(error);
        var logged = app.Logs.GetSnapshot().Where(r => r.Message == HostFailed && r.Exception is not null).Select(r => r.Exception!);
        return string.Join(" | ", new[] { error }.Concat(logged).SelectMany(Flatten).Select(e => e.Message));
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
