using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace Tracking.Delivery;

internal static class DeliverySetup
{
    public static IHostApplicationBuilder AddDelivery(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<SessionSnapshots>();
        services.AddSingleton<DeliveryMetrics>();
        services.AddSingleton<DestinationHealth>();
        services.AddSingleton<RetryPolicy>();
        services.AddSingleton<DestinationSender>();
        services.AddSingleton<OutboxDrainer>();
        services.AddSingleton<OutboxGauges>();
        services.AddSingleton<DeadLetterPurge>();
        services.AddSingleton<OutboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxWorker>());
        return builder;
    }

    // A long Retry-After is not waited for inside the call: the outbox reschedules the entry for that time instead.
    private static readonly TimeSpan LongestInCallWait = TimeSpan.FromSeconds(2);

    private static bool ShouldRetryInCall(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: { } ex } => ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException,
        { Result: { } response } => response.StatusCode switch
        {
            System.Net.HttpStatusCode.TooManyRequests => (HttpFailures.RetryAfter(response.Headers) ?? TimeSpan.Zero) <= LongestInCallWait,
            System.Net.HttpStatusCode.RequestTimeout => true,
            var status => (int)status >= 500,
        },
        _ => false,
    };

    /// <summary>
    /// Registers a destination's Refit client with the delivery pipeline: for a destination's own setup
    /// (<c>AddMetaDestination()</c>), which also registers itself as an <see cref="IDestination"/>.
    /// </summary>
    /// <param name="handlers">The destination's own handlers (its authentication), outside the resilience pipeline.</param>
    public static IHttpResiliencePipelineBuilder AddDestinationClient<TApi>(
        this IServiceCollection services, string name, JsonSerializerOptions json, Func<IServiceProvider, string> baseUrl, Action<IHttpClientBuilder>? handlers = null)
        where TApi : class
    {
        var client = services.AddRefitGeneratedClient<TApi>(new RefitSettings(new SystemTextJsonContentSerializer(json)))
            .ConfigureHttpClient((sp, http) => http.BaseAddress = new Uri(baseUrl(sp)));
        handlers?.Invoke(client);
        return client.AddResilienceHandler(name, (pipeline, context) => Pipeline(name, pipeline, context));
    }

    /// <summary>
    /// One pipeline per client: a few jittered retries on 5xx/408/429/network errors (honouring Retry-After, capped
    /// so a long one is left to the outbox's reschedule), a circuit breaker, and a per-attempt timeout.
    /// Retrying a POST is safe because every event carries a stable id (Meta event_id, PostHog uuid).
    /// </summary>
    private static void Pipeline(string name, ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var o = context.ServiceProvider.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        var metrics = context.ServiceProvider.GetRequiredService<DeliveryMetrics>();
        // HTTP waits are wall-clock time, whatever clock schedules the outbox.
        pipeline.TimeProvider = TimeProvider.System;
        pipeline
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(o.Retries, 1),
                ShouldHandle = args => ValueTask.FromResult(o.Retries > 0 && ShouldRetryInCall(args.Outcome)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldRetryAfterHeader = true,
                OnRetry = args =>
                {
                    // The attempt got no answer in time: the destination may have taken it, and this retry sends it again.
                    if (args.Outcome.Exception is Polly.Timeout.TimeoutRejectedException)
                    {
                        metrics.Resent(name);
                    }
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = o.CircuitBreakDuration,
            })
            .AddTimeout(o.AttemptTimeout);
    }
}
