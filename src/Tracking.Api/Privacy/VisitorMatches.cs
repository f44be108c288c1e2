namespace Tracking.Privacy;

public sealed record VisitorMatches(IReadOnlyList<string> Visitors);
