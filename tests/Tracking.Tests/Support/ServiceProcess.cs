using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tracking.Tests.Support;

/// <summary>
/// The real service as a separate OS process (so it can be SIGKILLed), on a free loopback port. Its console log is
/// kept: on dispose, a "fail:" or "crit:" line the test did not declare with <see cref="ExpectErrors"/> fails the test.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly ConcurrentQueue<string> _errorOutput;
    private readonly List<(string Category, string Because)> _expected = [];

    private ServiceProcess(Process process, string url, ConcurrentQueue<string> output, ConcurrentQueue<string> errorOutput)
    {
        _process = process;
        Url = url;
        _output = output;
        _errorOutput = errorOutput;
    }

    public string Url { get; }

    /// <summary>What the process wrote to its console so far (for a failure message).</summary>
    public string Output => string.Join(Environment.NewLine, _output.Concat(_errorOutput));

    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = RepoFiles.Root;
        var dll = Path.Combine(root, "src", "Tracking.Api", "bin", configuration, "net10.0", "Tracking.Api.dll");
        var port = RedisServer.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        // The process runs as Production, which refuses to start without the sites allowed to write (as TrackingApp's).
        info.Environment["Tracking__AllowedOrigins__0"] = "https://film.example";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var output = new ConcurrentQueue<string>();
        var errorOutput = new ConcurrentQueue<string>();
        var process = Process.Start(info) ?? throw new InvalidOperationException("the service did not start");
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(errorOutput, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, $"http://127.0.0.1:{port}", output, errorOutput);
        var ready = false;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the service exited with {process.ExitCode}: {string.Join('\n', errorOutput.Concat(output))}");
                }
                try
                {
                    return (await http.GetAsync(new Uri(service.Url + "/health/ready"))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            }, TimeSpan.FromSeconds(30), $"the service process on port {port} to answer /health/ready", TimeSpan.FromMilliseconds(100));
            ready = true;
            return service;
        }
        finally
        {
            if (!ready)
            {
                service.Stop();
            }
        }
    }

    private static void Keep(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }

    /// <summary>Declares that this test provokes Error/Critical logs of <paramref name="category"/> in this process, and why.</summary>
    public void ExpectErrors(string category, string because)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(because);
        _expected.Add((category, because));
    }

    /// <summary>SIGKILL: no shutdown hooks, no settling of leased batches.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops a replica: the host shuts down gracefully; waits (bounded) for the exit.</summary>
    public int Terminate()
    {
        Signals.Send(_process, "TERM");
        WaitForExit();
        return _process.ExitCode;
    }

    private void WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
        {
            throw new InvalidOperationException($"the service process at {Url} did not exit within 15 s");
        }
        _process.WaitForExit(); // it has exited: this only drains the redirected output
    }

    /// <summary>Console lines of level fail/crit (the simple formatter puts the message on the next line), minus the expected categories.</summary>
    internal static List<string> UnexpectedErrors(IReadOnlyList<string> lines, IReadOnlyCollection<string> expectedCategories)
    {
        var found = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith("fail: ", StringComparison.Ordinal) && !lines[i].StartsWith("crit: ", StringComparison.Ordinal))
            {
                continue;
            }
            var category = lines[i][6..].Split('[')[0];
            if (expectedCategories.Any(e => category == e || category.StartsWith(e + ".", StringComparison.Ordinal)))
            {
                continue;
            }
            found.Add(lines[i] + (i + 1 < lines.Count ? " " + lines[i + 1].Trim() : ""));
        }
        return found;
    }

    private void Stop()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        WaitForExit();
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        var unexpected = UnexpectedErrors(_output.ToArray(), _expected.Select(e => e.Category).ToList());
        if (unexpected.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"the service process at {Url} logged, unexpectedly:{Environment.NewLine}  - " + string.Join(Environment.NewLine + "  - ", unexpected));
        }
    }
}
