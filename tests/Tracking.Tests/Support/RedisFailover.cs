namespace Tracking.Tests.Support;

/// <summary>
/// The tests that kill Redis nodes under load (one redis-server, Sentinel, Cluster with replicas) run one at a time and alone,
/// after the parallel ones: on a 2-core box their dozen processes would otherwise starve the browser tests' timeouts
/// and each other's failovers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisFailover
{
    public const string Name = "Redis failover";
}
