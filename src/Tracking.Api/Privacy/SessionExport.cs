using System.Text.Json;

namespace Tracking.Privacy;

public sealed record SessionExport(
    string SessionId, Dictionary<string, string> Attributes, Dictionary<string, string> Client, IReadOnlyList<JsonElement> Events,
    IReadOnlyList<JsonElement> Touches, Dictionary<string, string> StripeLedger);
