namespace Tracking.Privacy;

/// <summary><c>POST /ops/visitors/export</c>'s answer: everything kept about each visitor the request found.</summary>
public sealed record VisitorsExport(IReadOnlyList<VisitorExport> Visitors);
