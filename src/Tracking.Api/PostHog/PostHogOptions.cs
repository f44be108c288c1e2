namespace Tracking.PostHog;

/// <summary>The <c>PostHog</c> section. No API key = PostHog delivery disabled.</summary>
public sealed class PostHogOptions
{
    public const string Section = "PostHog";

    public string Host { get; set; } = "https://us.i.posthog.com";
    public string ApiKey { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey);
}
