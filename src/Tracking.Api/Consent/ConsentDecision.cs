namespace Tracking.Consent;

/// <summary>What consent lets a destination do with one entry.</summary>
internal enum ConsentDecision
{
    Send,
    Drop,
    Hold,
}
