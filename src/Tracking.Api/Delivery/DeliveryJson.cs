using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Delivery;

/// <summary>Source-generated JSON of what the outbox stores.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutboxEntry))]
[JsonSerializable(typeof(DeadReason))]
internal sealed partial class DeliveryJson : JsonSerializerContext;
