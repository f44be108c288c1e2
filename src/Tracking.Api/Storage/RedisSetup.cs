using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Tracking.Storage;

internal static partial class RedisSetup
{
    public static IHostApplicationBuilder AddRedisStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        builder.Services.AddOptions<AggregateOptions>().BindConfiguration(AggregateOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AggregateOptions>, AggregateOptionsValidator>();
        builder.Services.AddOptions<VisitorOptions>().BindConfiguration(VisitorOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<VisitorOptions>, VisitorOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<RedisOptions>>(sp => new RedisOptionsValidator(sp.GetRequiredService<IHostEnvironment>()));

#if EMBEDDED_STORE
        builder.Services.AddSingleton(sp => new EmbeddedStore(sp.GetRequiredService<IOptions<RedisOptions>>().Value.EmbeddedPort, sp.GetRequiredService<ILoggerFactory>()));
#endif
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisOptions>>().Value;
            var connection = options.ConnectionString;
#if EMBEDDED_STORE
            if (options.UseEmbedded)
            {
                var store = sp.GetRequiredService<EmbeddedStore>();
                var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tracking.Storage");
                connection = store.ConnectionString;
                Log.EmbeddedStore(logger, store.Port);
            }
#endif
            var shared = ConnectionMultiplexer.Connect(Configure(connection));
            sp.GetRequiredService<ReplicaAck>().Attach(shared);
            sp.GetRequiredService<SentinelGuard>().Attach(shared);
            return shared;
        });
        builder.Services.AddSingleton<ReplicaAck>();
        builder.Services.AddSingleton<SentinelGuard>();
        builder.Services.AddSingleton<IndexSet>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase());
        // Every script checked, and Redis connected (the embedded store started), at start-up rather than on the first request.
        builder.Services.AddHostedService<ScriptStartupCheck>();
        builder.Services.AddHostedService<RedisWarmup>();
        builder.Services.AddSingleton<StoreHeadroom>();
        builder.Services.AddHostedService<StoreHeadroomSampler>();
        return builder;
    }

    internal static ConfigurationOptions Configure(string connection)
    {
        var config = ConfigurationOptions.Parse(connection);
        // Start even when Redis is down (readiness reports it) and reconnect on our own afterwards.
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = Math.Min(config.ConnectTimeout, 5000);
        config.SyncTimeout = Math.Min(config.SyncTimeout, 2000);
        config.AsyncTimeout = Math.Min(config.AsyncTimeout, 2000);
        config.ClientName ??= "tracking";
        // Answers are read and completed on the .NET thread pool, where the requests awaiting them run, instead of on the
        // client's own reader threads: fewer threads put to sleep and woken per answer (a third fewer context switches
        // per POST /events, docs/capacity.md "Thread wake-ups"). Safe because nothing here blocks a pool thread on Redis
        // (every call is awaited), so the pool cannot starve the reader.
        config.SocketManager = SocketManager.ThreadPool;
        return config;
    }

#if EMBEDDED_STORE
    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Redis:ConnectionString is empty: using the embedded in-memory store on 127.0.0.1:{Port}. Data is lost on exit; set a real Redis for production.")]
        public static partial void EmbeddedStore(ILogger logger, int port);
    }
#endif
}

internal sealed class RedisWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<IConnectionMultiplexer>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
