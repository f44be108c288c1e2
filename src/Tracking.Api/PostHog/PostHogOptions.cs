namespace Tracking.PostHog;

/// <summary>The <c>PostHog</c> section. No API key = PostHog delivery disabled.</summary>
public sealed class PostHogOptions
{
    public const string Section = "PostHog";

    public string Host { get; set; } = "https://us.i.posthog.com";
    public string ApiKey { get; set; } = "";

    /// <summary>Events older than this are dead-lettered instead of sent, so an outage or a revoked key cannot grow the outbox for ever.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey);
}
