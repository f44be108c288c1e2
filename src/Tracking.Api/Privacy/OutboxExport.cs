using System.Text.Json;

namespace Tracking.Privacy;

public sealed record OutboxExport(string Id, JsonElement Entry, JsonElement? Failure);
