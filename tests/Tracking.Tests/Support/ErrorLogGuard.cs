using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Tracking.Tests.Support;

// Collects a host's logs (FakeLogCollector) and names every Error/Critical the test did not declare expected, so no error passes unseen.
public sealed class ErrorLogGuard
{
    private readonly List<(Func<FakeLogRecord, bool> Match, string Because)> _expected = [];
    private int _checkedUpTo;

    /// <summary>Outlives the host (registered as its collector), so errors logged while stopping are seen too.</summary>
    public FakeLogCollector Collector { get; } = FakeLogCollector.Create(new FakeLogCollectorOptions());

    public void Expect(string category, string because) =>
        Expect(r => r.Category == category || (r.Category?.StartsWith(category + ".", StringComparison.Ordinal) ?? false), because);

    public void Expect(Func<FakeLogRecord, bool> match, string because)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(because);
        lock (_expected)
        {
            _expected.Add((match, because));
        }
    }

    /// <summary>Unexpected errors among the records logged since the previous call (all of them, the first time).</summary>
    public IReadOnlyList<string> Unexpected()
    {
        lock (_expected)
        {
            var records = Collector.GetSnapshot();
            var fresh = records.Skip(_checkedUpTo);
            _checkedUpTo = records.Count;
            return fresh.Where(r => r.Level >= LogLevel.Error && !_expected.Any(e => e.Match(r))).Select(Describe).ToList();
        }
    }

    public static string Describe(FakeLogRecord r) =>
        $"{r.Level} {r.Category}[{r.Id.Id}]: {r.Message}" + (r.Exception is { } ex ? $" ({ex.GetType().Name}: {ex.Message})" : "");
}
