using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>The request check for an id that becomes part of a Redis key (<see cref="Ids.IsSafe"/>).</summary>
internal static class SafeIdCheck
{
    public static void SafeId(this FieldErrors errors, string field, string? value, int max = 64)
    {
        if (value is not null && !Ids.IsSafe(value, max))
        {
            errors.Add(field, $"Must be 1-{max} characters of A-Z, a-z, 0-9, '_', '-', '.', ':'.");
        }
    }
}
