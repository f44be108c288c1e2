using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Events;

/// <summary>Source-generated JSON of the events API: unknown fields and numbers-as-strings are refused.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(EventsRequest))]
[JsonSerializable(typeof(EventsAccepted))]
[JsonSerializable(typeof(SignupRequest))]
[JsonSerializable(typeof(SignupAccepted))]
[JsonSerializable(typeof(string))]
internal sealed partial class EventsJson : JsonSerializerContext;
