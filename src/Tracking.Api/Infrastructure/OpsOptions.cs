namespace Tracking.Infrastructure;

/// <summary>The <c>Ops</c> section. No key = ops and report endpoints are disabled.</summary>
public sealed class OpsOptions
{
    public const string Section = "Ops";

    /// <summary>Bearer key for ops endpoints; use at least 32 random characters.</summary>
    public string ApiKey { get; set; } = "";
}
