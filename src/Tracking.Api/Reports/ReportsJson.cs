using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Reports;

/// <summary>Source-generated JSON of the reports.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AttributionReport))]
[JsonSerializable(typeof(FunnelReport))]
internal sealed partial class ReportsJson : JsonSerializerContext;
