using System.Text.Json;

namespace Tracking.Privacy;

public sealed record ConversionExport(string Day, JsonElement Record, JsonElement? Path);
