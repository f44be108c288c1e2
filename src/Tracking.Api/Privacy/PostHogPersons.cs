namespace Tracking.Privacy;

/// <summary>The PostHog distinct ids an erasure asks PostHog to delete, and those kept because another visitor uses them.</summary>
internal sealed record PostHogPersons(IReadOnlyList<string> Delete, IReadOnlyList<string> Kept);
