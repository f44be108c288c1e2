namespace Tracking.Tests.Support;

// A test about spreading over several Redis Cluster masters: reported as skipped on a single redis-server (tests/cluster.sh runs it).
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("TEST_REDIS") is not { Length: > 0 } redis || !redis.Contains(',', StringComparison.Ordinal))
        {
            Skip = "Needs a Redis Cluster (TEST_REDIS with several nodes, as tests/cluster.sh sets).";
        }
    }
}
