namespace Tracking.Delivery;

/// <summary>Why a send is retried (metric tag <c>kind</c>, by its wire name).</summary>
internal enum RetryKind
{
    /// <summary>5xx, 408, or the destination's own "temporary error" answer.</summary>
    ServerError,
    /// <summary>429 or the destination's throttling error codes.</summary>
    RateLimited,
    /// <summary>No answer within the attempt timeout.</summary>
    Timeout,
    /// <summary>Not even tried: the destination's circuit is open after mostly failing calls.</summary>
    CircuitOpen,
    /// <summary>Connection refused, reset, DNS, TLS, or another failure to get an answer.</summary>
    Network,
    /// <summary>Our credentials were refused (revoked or wrong key).</summary>
    Unauthorized,
    /// <summary>A 2xx we could not read as an acceptance.</summary>
    BadResponse,
    /// <summary>The destination lost its credentials after these were queued.</summary>
    Disabled,
    /// <summary>The send was abandoned at the shutdown timeout; released for another replica at once.</summary>
    Released,
}
