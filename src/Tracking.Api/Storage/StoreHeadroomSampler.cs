using System.Globalization;
using StackExchange.Redis;

namespace Tracking.Storage;

/// <summary>
/// Reads <c>INFO memory</c> from every connected master about once a second and records the fullest in
/// <see cref="StoreHeadroom"/>. One cheap command per master per second, whatever the request rate.
/// </summary>
internal sealed partial class StoreHeadroomSampler(IConnectionMultiplexer redis, StoreHeadroom headroom, ILogger<StoreHeadroomSampler> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            headroom.Record(await SampleAsync());
            try
            {
                // Wall-clock time, not the injected TimeProvider: memory fills in real time, whatever clock the business rules read.
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<MemorySample?> SampleAsync()
    {
        MemorySample? fullest = null;
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            var node = server.EndPoint.ToString() ?? "";
            try
            {
                // Through Execute: the typed InfoAsync is an admin command to StackExchange.Redis, and the shared connection is not one.
                var info = Parse((string?)await server.ExecuteAsync("INFO", "memory") ?? "");
                var sample = new MemorySample(node, Number(info, "used_memory"), Number(info, "maxmemory"));
                if (fullest is null || sample.Percent > fullest.Percent)
                {
                    fullest = sample;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never stops the sampler: an unreachable node fails the writes themselves, and its last figure is not worth keeping.
                Log.SampleFailed(logger, node, ex);
            }
        }
        return fullest;
    }

    private static Dictionary<string, string> Parse(string info) =>
        info.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    private static long Number(Dictionary<string, string> info, string name) =>
        info.TryGetValue(name, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "INFO memory from {Node} failed")]
        public static partial void SampleFailed(ILogger logger, string node, Exception exception);
    }
}
