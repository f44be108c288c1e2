using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Consent;

/// <summary>The <c>Tracking</c> section's consent setting.</summary>
public sealed class ConsentOptions
{
    public const string Section = "Tracking";

    /// <summary><c>opt-out</c> (pending consent counts as granted) or <c>opt-in</c> (pending holds data back).</summary>
    public ConsentMode ConsentMode { get; set; } = ConsentMode.OptOut;
}

/// <summary>Start-up validation: a bad value stops the service with a message naming the configuration key.</summary>
internal sealed class ConsentOptionsValidator : IValidateOptions<ConsentOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentOptions options) =>
        Enum.IsDefined(options.ConsentMode)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ConsentOptions.Section}:ConsentMode must be {WireName<ConsentMode>.Choices()}.");
}
