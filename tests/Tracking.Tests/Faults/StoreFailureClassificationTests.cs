using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Tracking.Tests.Support;

namespace Tracking.Tests.Faults;

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
        // A command task the Redis client cancelled itself (no token) is the outage; a cancellation with a token is someone's decision.
        Assert.True(Tracking.Infrastructure.StoreUnavailableHandler.IsStoreFailure(new TaskCanceledException()));
        Assert.False(Tracking.Infrastructure.StoreUnavailableHandler.IsStoreFailure(new OperationCanceledException(new CancellationToken(canceled: true))));
    }
}
