using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Tracking.Tests.Infrastructure;

namespace Tracking.Tests.Faults;

/// <summary>A visitor whose connection drops mid-body is not a Redis outage: no 503, no error log.</summary>
public sealed class ClientDisconnectTests
{
    [Fact]
    public async Task A_connection_reset_mid_body_logs_no_error_and_the_service_keeps_serving()
    {
        using var app = new TrackingApp();
        app.UseKestrel(0);
        app.StartServer();
        var uri = app.ClientOptions.BaseAddress;
        var logs = app.Logs;

        for (var i = 0; i < 5; i++)
        {
            using var tcp = new TcpClient { LingerState = new LingerOption(true, 0) };
            await tcp.ConnectAsync(uri.Host, uri.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /events HTTP/1.1\r\nHost: {uri.Host}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{{\"sessionId\":\"abc\","));
            await stream.FlushAsync();
            await Task.Delay(100);
            tcp.Client.Close(); // linger 0: a TCP reset, as a dropped mobile connection looks
        }

        // The service still answers, and nothing it logged says Redis was down.
        using var http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(10) };
        var health = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.True(health.IsSuccessStatusCode);
        await Task.Delay(200); // let the aborted requests finish their pipeline (bounded, not a condition wait)
        var snapshot = logs.GetSnapshot();
        Assert.DoesNotContain(snapshot, r => r.Message.Contains("Redis unavailable", StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot, r => r.Level >= LogLevel.Error);
    }
}

/// <summary>Which failures count as a store outage (503 + Retry-After) and which do not.</summary>
public sealed class StoreFailureClassificationTests
{
    [Fact]
    public void A_pipe_completed_under_the_redis_client_is_an_outage_and_a_kestrel_reset_is_not()
    {
        // What a write on a connection that just dropped throws, as System.IO.Pipelines raises it.
        var pipe = new System.IO.Pipelines.Pipe();
        pipe.Writer.Complete();
        var writerCompleted = Record.Exception(() => pipe.Writer.GetMemory(1));

        Assert.IsType<InvalidOperationException>(writerCompleted);
        Assert.True(Tracking.Infrastructure.StoreUnavailableHandler.IsStoreFailure(new StackExchange.Redis.RedisConnectionException(
            StackExchange.Redis.ConnectionFailureType.SocketClosed, "socket closed", writerCompleted)));
        Assert.True(Tracking.Infrastructure.StoreUnavailableHandler.IsStoreFailure(writerCompleted!));
        Assert.False(Tracking.Infrastructure.StoreUnavailableHandler.IsStoreFailure(new Microsoft.AspNetCore.Connections.ConnectionResetException("client reset")));
        Assert.False(Tracking.Infrastructure.StoreUnavailableHandler.IsStoreFailure(new InvalidOperationException("a bug of ours")));
    }
}
