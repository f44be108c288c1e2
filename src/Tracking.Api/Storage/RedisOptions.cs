using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Storage;

/// <summary>The <c>Redis</c> configuration section.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis connection string. Empty = the embedded in-memory store (Debug build, Development environment only).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Loopback port of the embedded store; 0 picks a free one.</summary>
    public int EmbeddedPort { get; set; }

    /// <summary>
    /// Replicas that must confirm a write (Redis <c>WAIT</c>, on the key's own master) before it is answered 2xx;
    /// 0 = acknowledged once the primary ran it (replication is asynchronous: a failover may lose it).
    /// </summary>
    public int AckReplicas { get; set; }

    /// <summary>How long a write waits for <see cref="AckReplicas"/>; then it is answered 503 with Retry-After.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Percent of <c>maxmemory</c> (INFO memory's <c>used_memory</c>, on any master) at which browser writes
    /// (<c>POST /session</c>, <c>/events</c>, <c>/signup</c>, <c>/checkout</c>) are answered 503, so the rest stays for
    /// the Stripe webhook, ops and delivery. A Redis without <c>maxmemory</c> never refuses.
    /// </summary>
    public int BrowserWriteLimitPercent { get; set; } = 85;

    public bool UseEmbedded => string.IsNullOrWhiteSpace(ConnectionString);
}

/// <summary>
/// Fails closed: without a connection string the service starts only where the embedded store is compiled in
/// (Debug) and the environment is Development (<c>dotnet run</c>, via launchSettings.json). Anywhere else it would
/// answer 202 while nothing survives a restart, so it refuses to start instead.
/// </summary>
/// <param name="environment">The host environment's name (<c>ASPNETCORE_ENVIRONMENT</c>).</param>
/// <param name="embeddedStore">Whether this build contains the embedded store.</param>
internal sealed class RedisOptionsValidator(string environment, bool embeddedStore) : IValidateOptions<RedisOptions>
{
#if EMBEDDED_STORE
    public const bool EmbeddedStoreCompiled = true;
#else
    public const bool EmbeddedStoreCompiled = false;
#endif

    public RedisOptionsValidator(IHostEnvironment host)
        : this(host.EnvironmentName, EmbeddedStoreCompiled)
    {
    }

    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var bounds = OptionRules.Result(
            OptionRules.Range($"{RedisOptions.Section}:EmbeddedPort", options.EmbeddedPort, 0, 65535),
            OptionRules.Range($"{RedisOptions.Section}:AckReplicas", options.AckReplicas, 0, 16),
            OptionRules.Range($"{RedisOptions.Section}:BrowserWriteLimitPercent", options.BrowserWriteLimitPercent, 1, 100));
        if (bounds.Failed)
        {
            return bounds;
        }
        if (options.AckTimeout <= TimeSpan.Zero || options.AckTimeout > TimeSpan.FromSeconds(30))
        {
            return ValidateOptionsResult.Fail("Redis:AckTimeout must be more than 0 and at most 00:00:30.");
        }
        if (options.UseEmbedded && !embeddedStore)
        {
            return ValidateOptionsResult.Fail(
                "Redis:ConnectionString is required: this build has no embedded store (only Debug builds do, e.g. `dotnet run --project src/Tracking.Api`).");
        }
        if (options.UseEmbedded && !string.Equals(environment, Environments.Development, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"Redis:ConnectionString is required outside the Development environment (this is '{environment}'): the embedded in-memory store loses every event on restart.");
        }
        if (!options.UseEmbedded)
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(options.ConnectionString);
            }
            catch (ArgumentException)
            {
                // The parser message may echo a password, so it is not repeated.
                return ValidateOptionsResult.Fail("Redis:ConnectionString is not a valid StackExchange.Redis connection string.");
            }
        }
        return ValidateOptionsResult.Success;
    }
}
