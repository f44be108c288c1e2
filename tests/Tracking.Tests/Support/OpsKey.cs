namespace Tracking.Tests.Support;

/// <summary>The ops key every test app that serves ops endpoints is configured with.</summary>
public static class OpsKey
{
    public const string Value = "ops-key-0123456789abcdef0123456789";
}
