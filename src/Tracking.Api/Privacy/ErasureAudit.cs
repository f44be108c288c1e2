namespace Tracking.Privacy;

/// <summary>The audit record of an erasure, kept Ops:ErasureAuditRetentionDays: no personal data.</summary>
public sealed record ErasureAudit(string VisitorHash, long At, ErasureResult Removed);
