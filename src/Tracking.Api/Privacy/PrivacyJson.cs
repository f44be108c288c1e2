using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Privacy;

/// <summary>Source-generated JSON of the visitor export and erasure API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(VisitorExport))]
[JsonSerializable(typeof(VisitorsExport))]
[JsonSerializable(typeof(VisitorRequest))]
[JsonSerializable(typeof(ErasureResult))]
[JsonSerializable(typeof(ErasureAudit))]
[JsonSerializable(typeof(string))]
internal sealed partial class PrivacyJson : JsonSerializerContext;
