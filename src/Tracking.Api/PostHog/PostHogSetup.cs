using Microsoft.Extensions.Options;
using Tracking.Delivery;

namespace Tracking.PostHog;

internal static class PostHogSetup
{
    /// <summary>PostHog capture as an outbox destination: options (validated at start), Refit client, destination.</summary>
    public static IHostApplicationBuilder AddPostHogDestination(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PostHogOptions>().BindConfiguration(PostHogOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostHogOptions>, PostHogOptionsValidator>();
        services.AddDestinationClient<IPostHogApi>("posthog", PostHogJson.Default.Options, sp => sp.GetRequiredService<IOptions<PostHogOptions>>().Value.Host);
        services.AddSingleton<IDestination, PostHogDestination>();
        services.AddDestinationClient<IPostHogPersonsApi>("posthog-persons", PostHogJson.Default.Options, sp => sp.GetRequiredService<IOptions<PostHogOptions>>().Value.PrivateApiHost);
        services.AddSingleton<PostHogErasure>();
        return builder;
    }
}

internal sealed class PostHogOptionsValidator : IValidateOptions<PostHogOptions>
{
    public ValidateOptionsResult Validate(string? name, PostHogOptions o) =>
        !Uri.TryCreate(o.Host, UriKind.Absolute, out _) ? ValidateOptionsResult.Fail("PostHog:Host must be an absolute URL.")
        : string.IsNullOrWhiteSpace(o.PersonalApiKey) != string.IsNullOrWhiteSpace(o.ProjectId) ? ValidateOptionsResult.Fail("PostHog:PersonalApiKey and PostHog:ProjectId must be set together (both enable person deletion on erasure).")
        : !string.IsNullOrWhiteSpace(o.ProjectId) && !o.ProjectId.All(char.IsAsciiDigit) ? ValidateOptionsResult.Fail("PostHog:ProjectId must be the numeric project id.")
        : o.MaxAge < TimeSpan.FromHours(1) ? ValidateOptionsResult.Fail("PostHog:MaxAge must be at least 01:00:00.")
        : ValidateOptionsResult.Success;
}
