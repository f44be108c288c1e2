using System.Diagnostics;

namespace Tracking.Tests.Infrastructure;

/// <summary>The real service as a separate OS process (so it can be SIGKILLed), on a free loopback port.</summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = Path.GetDirectoryName(Api.OpenApiContractTests.FindRepoFile("Tracking.sln"))!;
        var dll = Path.Combine(root, "src", "Tracking.Api", "bin", configuration, "net10.0", "Tracking.Api.dll");
        var port = RedisServer.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("the service did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, $"http://127.0.0.1:{port}");
        using var http = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if ((await http.GetAsync(service.Url + "/health/ready")).IsSuccessStatusCode)
                {
                    return service;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        service.Dispose();
        throw new InvalidOperationException("the service did not become ready");
    }

    /// <summary>SIGKILL: no shutdown hooks, no settling of leased batches.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }
}
