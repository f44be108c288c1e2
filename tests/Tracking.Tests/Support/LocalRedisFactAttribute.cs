namespace Tracking.Tests.Support;

// A test that starts (and kills) a redis-server of its own is reported as skipped, never as passed, when TEST_REDIS names an external Redis.
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LocalRedisFactAttribute : FactAttribute
{
    public LocalRedisFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("TEST_REDIS") is { Length: > 0 })
        {
            Skip = "Owns and kills a redis-server of its own: not run against the external Redis named by TEST_REDIS (the single-node run covers it).";
        }
    }
}
