using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Upgrade;

/// <summary>Source-generated JSON of the upgrade: its answer, and the outbox script's result.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UpgradeResult))]
[JsonSerializable(typeof(OutboxMigrated))]
internal sealed partial class UpgradeJson : JsonSerializerContext;
