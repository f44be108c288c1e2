namespace Tracking.Privacy;

/// <summary>
/// The body of <c>POST /ops/visitors/export</c> and <c>/erase</c>: exactly one of <c>email</c> (the address the person
/// gave at signup or to Stripe) and <c>visitorId</c>. In the body, so the address never lands in a URL's logs.
/// </summary>
public sealed record VisitorRequest(string? Email = null, string? VisitorId = null);
