using Microsoft.Extensions.Options;

namespace Tracking.Storage;

/// <summary>The <c>Redis</c> configuration section.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis connection string. Empty = start the embedded in-memory store (development only).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Loopback port of the embedded store; 0 picks a free one.</summary>
    public int EmbeddedPort { get; set; }

    public bool UseEmbedded => string.IsNullOrWhiteSpace(ConnectionString);
}

internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (options.EmbeddedPort is < 0 or > 65535)
        {
            return ValidateOptionsResult.Fail("Redis:EmbeddedPort must be between 0 and 65535.");
        }
#if !EMBEDDED_STORE
        if (options.UseEmbedded)
        {
            return ValidateOptionsResult.Fail(
                "Redis:ConnectionString is required: this build has no embedded store (only Debug builds do, e.g. `dotnet run --project src/Tracking.Api`).");
        }
#endif
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
