using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tracking.Tests.Support;

/// <summary>
/// Concurrent visitors posting events the way tracker.js does: each event id is retried (same id) on a 5xx, a 429 or a
/// network error until it is answered 202 (tracker.js gives up after 3 tries; these visitors keep trying), so a retry is idempotent and a 202 is the only acknowledgement. Each
/// visitor has a session of its own (sessions spread over partitions, and so over a cluster's masters); like tracker.js,
/// a visitor whose session is gone (404: a failover without replica acknowledgement can lose it) starts a new one and
/// sends the event again there.
/// </summary>
public sealed class RetryingLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(4)); // the load ends even if the test fails midway
    private readonly List<Task> _visitors = [];

    private RetryingLoad()
    {
    }

    /// <summary>Event ids answered 202, with their session.</summary>
    public ConcurrentBag<(string Session, string EventId)> Accepted { get; } = [];

    /// <summary>Every answer other than 202, with its session: "503 retry-after=5 application/problem+json", "500 …", or "network: …".</summary>
    public ConcurrentBag<(string Session, string What)> Refusals { get; } = [];

    /// <summary>The sessions the visitors started with.</summary>
    public IReadOnlyList<string> Sessions { get; private set; } = [];

    private int[] _acceptedByVisitor = [];

    public int Count(string refusal) => Refusals.Count(r => r.What.StartsWith(refusal, StringComparison.Ordinal));

    public int AcceptedFor(IReadOnlyCollection<string> sessions) => Accepted.Count(a => sessions.Contains(a.Session));

    public int RefusedFor(IReadOnlyCollection<string> sessions) => Refusals.Count(r => sessions.Contains(r.Session));

    public string State() => $"{Accepted.Count} accepted, {Refusals.Count} refused ({Count("503")} × 503, {Count("500")} × 500, {Count("404")} × 404 (session gone), {Count("network")} network errors; "
        + $"others: {string.Join(", ", Refusals.Select(r => r.What).Where(w => !w.StartsWith("503", StringComparison.Ordinal) && !w.StartsWith("500", StringComparison.Ordinal) && !w.StartsWith("404", StringComparison.Ordinal) && !w.StartsWith("network", StringComparison.Ordinal)).Distinct().Take(3))})";

    public static async Task<RetryingLoad> StartAsync(Func<HttpClient> client, int visitors)
    {
        var load = new RetryingLoad();
        var sessions = new List<string>();
        for (var v = 0; v < visitors; v++)
        {
            sessions.Add(await NewSessionAsync(client()));
        }
        load.Sessions = sessions;
        load._acceptedByVisitor = new int[visitors];
        load._visitors.AddRange(sessions.Select((sid, v) => Task.Run(() => load.VisitAsync(client(), sid, v))));
        return load;
    }

    /// <summary>
    /// A page load as tracker.js makes it: a 503 (the service not yet sure of the primary, replicas still syncing) or a
    /// network error is retried after a pause, for at most 30 s; anything else fails the test.
    /// </summary>
    private static async Task<string> NewSessionAsync(HttpClient http)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                var response = await http.PostAsJsonAsync("/session", new { url = "https://film.example/watch?utm_source=facebook&utm_campaign=winter" });
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sessionId").GetString()!;
                }
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < until, $"POST /session answered {(int)response.StatusCode}");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
            }
            await Task.Delay(200);
        }
    }

    private async Task VisitAsync(HttpClient http, string sid, int visitor)
    {
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var id = $"v{visitor}-{i}";
            while (!_stop.IsCancellationRequested)
            {
                string refusal;
                try
                {
                    var response = await http.PostJsonAsync("/events", $$"""{"sessionId":"{{sid}}","events":[{"event":"PageView","eventId":"{{id}}","url":"https://film.example/"}]}""");
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Accepted.Add((sid, id));
                        Interlocked.Increment(ref _acceptedByVisitor[visitor]);
                        await Task.Delay(10); // a visitor's pace, not a wait for anything
                        break;
                    }
                    refusal = $"{(int)response.StatusCode} retry-after={response.Headers.RetryAfter} {response.Content.Headers.ContentType?.MediaType}";
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        // The session is gone: a new one, and the same event again (tracker.js re-queues its batch).
                        Refusals.Add((sid, refusal));
                        sid = await NewSessionAsync(http);
                        continue;
                    }
                    if ((int)response.StatusCode is < 500 and not 429)
                    {
                        // tracker.js does not retry a refusal (4xx): recorded, and the next event is sent.
                        Refusals.Add((sid, refusal));
                        break;
                    }
                }
                catch (HttpRequestException ex)
                {
                    refusal = $"network: {ex.Message}";
                }
                Refusals.Add((sid, refusal));
                await Task.Delay(50); // tracker.js backs off before retrying; pacing, not a wait for anything
            }
        }
    }

    /// <summary>Waits until <paramref name="more"/> events beyond those accepted so far are accepted.</summary>
    public Task AcceptedMoreAsync(int more, TimeSpan timeout, string what)
    {
        var from = Accepted.Count;
        return Eventually.UntilAsync(() => Accepted.Count >= from + more, timeout, what, state: State);
    }

    /// <summary>Waits until every visitor had <paramref name="more"/> events accepted beyond its count so far (each one's master serves again).</summary>
    public Task EveryVisitorAcceptedMoreAsync(int more, TimeSpan timeout, string what)
    {
        var from = _acceptedByVisitor.Select(v => Volatile.Read(ref v)).ToArray();
        bool Done(int v) => Volatile.Read(ref _acceptedByVisitor[v]) >= from[v] + more;
        return Eventually.UntilAsync(() => Enumerable.Range(0, from.Length).All(Done), timeout, what,
            TimeSpan.FromMilliseconds(200), () => $"{Enumerable.Range(0, from.Length).Count(v => !Done(v))} visitors still waiting; {State()}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_visitors);
        _stop.Dispose();
    }
}
