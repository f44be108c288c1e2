using System.Text.Json;
using System.Text.Json.Serialization;
using Tracking.Events;
using Tracking.Health;
using Tracking.Sessions;

namespace Tracking.Infrastructure;

/// <summary>Source-generated JSON for every request and response type: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(Touch))]
[JsonSerializable(typeof(EventsRequest))]
[JsonSerializable(typeof(EventsAccepted))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(Tracking.Delivery.OutboxEntry))]
[JsonSerializable(typeof(Tracking.Delivery.DeadReason))]
[JsonSerializable(typeof(Tracking.Ops.DeliveryList))]
[JsonSerializable(typeof(Tracking.Ops.ReplayRequest))]
[JsonSerializable(typeof(Tracking.Ops.ReplayResult))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Tracking.Reports.AttributionReport))]
[JsonSerializable(typeof(Tracking.Reports.FunnelReport))]
[JsonSerializable(typeof(Tracking.Reports.ConversionRecord))]
[JsonSerializable(typeof(Tracking.Donations.CheckoutRequest))]
[JsonSerializable(typeof(Tracking.Donations.CheckoutCreated))]
[JsonSerializable(typeof(Tracking.Donations.WebhookReceived))]
internal sealed partial class AppJson : JsonSerializerContext;
