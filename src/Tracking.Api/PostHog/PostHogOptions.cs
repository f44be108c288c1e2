namespace Tracking.PostHog;

/// <summary>The <c>PostHog</c> section. No API key = PostHog delivery disabled.</summary>
public sealed class PostHogOptions
{
    public const string Section = "PostHog";

    public string Host { get; set; } = "https://us.i.posthog.com";
    public string ApiKey { get; set; } = "";

    /// <summary>Events older than this are dead-lettered instead of sent, so an outage or a revoked key cannot grow the outbox for ever.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A personal API key with the <c>person:write</c> scope: with <see cref="ProjectId"/>, erasures also delete the person in PostHog.</summary>
    public string PersonalApiKey { get; set; } = "";

    public string ProjectId { get; set; } = "";

    public bool ErasureEnabled => !string.IsNullOrWhiteSpace(PersonalApiKey) && !string.IsNullOrWhiteSpace(ProjectId);

    /// <summary>
    /// PostHog's private API (persons) is served by the app host, not the ingestion host: <c>us.i.posthog.com</c> →
    /// <c>us.posthog.com</c>; any other host (self-hosted) serves both.
    /// </summary>
    public string PrivateApiHost => Host.Replace(".i.posthog.com", ".posthog.com", StringComparison.OrdinalIgnoreCase);

    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey);
}
