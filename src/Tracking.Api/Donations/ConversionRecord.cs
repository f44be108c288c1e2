using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Donations;

/// <summary>
/// A conversion as stored (durable, <c>conv:{p}:{day}</c>): what was paid and when. Its session's touch path is
/// stored beside it (<c>conv:{p}:{day}:paths</c>), written by the same script. <c>SelectedCampaign</c>: the
/// fundraising campaign the donation went to (the checkout's, from its Stripe metadata), when there was one.
/// <c>Platform</c>: the ad platform it came from (<see cref="ClickIds.AdPlatform"/>), decided when it was paid;
/// absent from records written before it was kept. <c>Page</c>, <c>Content</c>, <c>VisitorId</c> and the consent are
/// what the checkout recorded in Stripe's metadata: what a later event about the donation (a refund) is sent with once
/// the session has expired. <c>PaymentId</c>: the Stripe PaymentIntent that paid it, linked to it (<see cref="PaymentLinks"/>)
/// so refunds find it; erasure deletes that link.
/// </summary>
// Stored data is read leniently: a field added by a newer version must not make a record unreadable.
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed record ConversionRecord(
    string CheckoutSessionId, string SessionId, decimal Amount, string Currency, long At, string? SelectedCampaign = null, string? Platform = null,
    string? Page = null, string? Content = null, string? VisitorId = null, string? ConsentMarketing = null, string? ConsentAnalytics = null,
    string? PaymentId = null);

/// <summary>Source-generated JSON of the donations API and the conversion records: unknown request fields are refused.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CheckoutRequest))]
[JsonSerializable(typeof(CheckoutCreated))]
[JsonSerializable(typeof(WebhookReceived))]
[JsonSerializable(typeof(ConversionRecord))]
[JsonSerializable(typeof(SubscriptionLink))]
[JsonSerializable(typeof(ActiveSubscription))]
[JsonSerializable(typeof(PaymentLink))]
[JsonSerializable(typeof(RefundState))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
internal sealed partial class DonationsJson : JsonSerializerContext;
