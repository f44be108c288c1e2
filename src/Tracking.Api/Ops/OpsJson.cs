using System.Text.Json;
using System.Text.Json.Serialization;
using Tracking.Delivery;

namespace Tracking.Ops;

/// <summary>Source-generated JSON of the ops API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(DeliveryList))]
[JsonSerializable(typeof(ReplayRequest))]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(DeadReason))]
[JsonSerializable(typeof(string))]
internal sealed partial class OpsJson : JsonSerializerContext;
