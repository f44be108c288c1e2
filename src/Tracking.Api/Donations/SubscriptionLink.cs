using System.Text.Json.Serialization;

namespace Tracking.Donations;

/// <summary>
/// A recurring donation as its session keeps it (<c>subs:sess:{id}</c>, field = subscription id): the first payment
/// every renewal is credited like. <c>Day</c> is the first payment's conversion day; <c>VisitorId</c> indexes renewals
/// for export and erasure.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record SubscriptionLink(
    string CheckoutSessionId, string Day, decimal Amount, string Currency, string Interval, long StartedAt,
    string? SelectedCampaign = null, string? Platform = null, string? VisitorId = null);

/// <summary>An active recurring donation as the reports count it (<c>subs:{p}:active</c>): nothing about the donor.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ActiveSubscription(decimal Amount, string Currency, string Interval);
