using System.Text.Json;

namespace Tracking.Meta;

/// <summary>
/// Reads Meta's Dataset Quality answer. Every metric is conditional on Meta's side (too few events, no browser
/// pixel, …), so anything absent stays null — never 0, which would read as "nothing matched".
/// </summary>
internal static class MetaQualityReader
{
    /// <summary>The fields asked for; one row per event name comes back under <c>web</c>.</summary>
    public const string Fields =
        "web{event_name,event_match_quality{composite_score,match_key_feedback{identifier,coverage{percentage}}," +
        "diagnostics{name,description,solution,percentage}},event_coverage{percentage,goal_percentage}," +
        "dedupe_key_feedback{dedupe_key,browser_events_with_dedupe_key{percentage},server_events_with_dedupe_key{percentage}}," +
        "data_freshness{upload_frequency},acr{percentage}}";

    public static IReadOnlyList<MetaEventQuality> Read(JsonElement root)
    {
        // The documented root is "web"; some API versions wrap it as data[0].web.
        var web = root.TryGetProperty("web", out var w) ? w
            : root.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Array && d.GetArrayLength() > 0 && d[0].TryGetProperty("web", out var dw) ? dw
            : default;
        if (web.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var events = new List<MetaEventQuality>();
        foreach (var row in web.EnumerateArray())
        {
            if (Text(row, "event_name") is not { } name)
            {
                continue;
            }
            var emq = Object(row, "event_match_quality");
            var score = Number(emq, "composite_score");
            var keys = Array(emq, "match_key_feedback")
                .Select(k => Text(k, "identifier") is { } id ? new MetaMatchKey(id, Number(Object(k, "coverage"), "percentage")) : null)
                .OfType<MetaMatchKey>().ToList();
            var diagnostics = Array(emq, "diagnostics")
                .Select(x => new MetaDiagnostic(Text(x, "name"), Text(x, "description"), Text(x, "solution"), Number(x, "percentage"))).ToList();
            var coverage = Object(row, "event_coverage");
            // This service deduplicates on event_id; Meta may also report other keys (external_id, fbp).
            var dedupe = Array(row, "dedupe_key_feedback").FirstOrDefault(x => Text(x, "dedupe_key") == "event_id");
            events.Add(new MetaEventQuality(name, score, Band(score), keys, diagnostics,
                Number(coverage, "percentage"), Number(coverage, "goal_percentage"),
                Number(Object(dedupe, "browser_events_with_dedupe_key"), "percentage"), Number(Object(dedupe, "server_events_with_dedupe_key"), "percentage"),
                Text(Object(row, "data_freshness"), "upload_frequency"), Number(Object(row, "acr"), "percentage")));
        }
        return events;
    }

    /// <summary>Meta's Events Manager bands for Event Match Quality.</summary>
    public static string? Band(double? score) => score switch
    {
        null => null,
        < 4 => "poor",
        < 6 => "ok",
        < 8 => "good",
        _ => "great",
    };

    private static JsonElement Object(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : default;

    private static JsonElement[] Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [];

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        } : null;
}
