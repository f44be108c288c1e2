using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Sessions;

/// <summary>Source-generated JSON of the session API and of stored touches: unknown fields and numbers-as-strings are refused.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(SessionView))]
[JsonSerializable(typeof(Touch))]
[JsonSerializable(typeof(List<Touch>))]
internal sealed partial class SessionsJson : JsonSerializerContext;
