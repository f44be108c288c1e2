using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Tests.Storage;

/// <summary>How the service configures its Redis client from Redis:ConnectionString (Storage/RedisSetup.Configure).</summary>
public sealed class ClientOptionsTests
{
    [Fact]
    public void Answers_complete_on_the_thread_pool_and_the_service_starts_without_redis()
    {
        var config = RedisSetup.Configure("127.0.0.1:6379");

        // The client's own reader threads cost a sleep and a wake per answer (docs/capacity.md "Thread wake-ups").
        Assert.Same(SocketManager.ThreadPool, config.SocketManager);
        Assert.False(config.AbortOnConnectFail);
        Assert.Equal("tracking", config.ClientName);
    }

    [Fact]
    public void Timeouts_in_the_connection_string_are_capped_and_its_client_name_is_kept()
    {
        var config = RedisSetup.Configure("127.0.0.1:6379,connectTimeout=60000,syncTimeout=60000,asyncTimeout=60000,name=edge-7");

        Assert.Equal(5000, config.ConnectTimeout);
        Assert.Equal(2000, config.SyncTimeout);
        Assert.Equal(2000, config.AsyncTimeout);
        Assert.Equal("edge-7", config.ClientName);
    }
}
