using Microsoft.Extensions.Options;

namespace Tracking.Infrastructure;

/// <summary>
/// The checks the start-up validators share, each worded once: a broken rule is a message naming the key, its bounds
/// and the value found; a kept one is null, so a validator lists its rules and <see cref="Result"/> keeps the broken.
/// </summary>
internal static class OptionRules
{
    /// <param name="why">Said after the bounds when they need a reason (a destination's limit, say).</param>
    public static string? Range(string key, long value, long min, long max, string? why = null) =>
        value >= min && value <= max ? null : $"{key} must be between {min} and {max}{(why is null ? "" : ": " + why)} (got {value}).";

    public static string? AtLeast(string key, long value, long min) =>
        value >= min ? null : $"{key} must be at least {min} (got {value}).";

    /// <summary>Success when every message is null; otherwise a failure listing the others.</summary>
    public static ValidateOptionsResult Result(params IEnumerable<string?> errors)
    {
        var broken = errors.OfType<string>().ToList();
        return broken.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(broken);
    }
}
