using System.Text.Json;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Events;

/// <summary>
/// What an event implies for its session beyond storing it: the content it is about, a video milestone and completion,
/// watch time, or a session field it sets (<c>selected_campaign</c>, a PageView's <c>last_page</c>). The rules of each event name live here; the rules
/// every event follows live in <see cref="EventValidator"/>.
/// </summary>
internal sealed record EventMeaning(
    string? Content, string? Milestone, string? CompletionField, int Percent, double? WatchTime, string? SetField, string? SetValue)
{
    // One report of watch time covers at most a day of playing (the server caps it further by wall-clock time).
    private const int MaxWatchReport = 86_400;

    /// <summary>What an event's name and properties mean for its session; null, with an error added, when they do not fit the name.</summary>
    public static EventMeaning? Of(EventRequest item, string prefix, FieldErrors errors)
    {
        var name = item.Event!;
        var props = item.Properties ?? [];
        string? content = null;
        if (props.TryGetValue("content", out var c))
        {
            content = c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (!Ids.IsSafe(content, 64))
            {
                errors.Add(prefix + "properties.content", "Must be a content id of 1-64 letters, digits, '_', '-', '.', ':'.");
                return null;
            }
            if (SessionField.CollisionOf(content!) is { } field)
            {
                errors.Add(prefix + "properties.content", $"'{content}' cannot be a content id: its per-content field would be the session's own '{field}'.");
                return null;
            }
        }
        string? milestone = null;
        string? completionField = null;
        var percent = 0;
        if (name is EventNames.VideoStart or EventNames.VideoProgress or EventNames.VideoComplete or EventNames.VideoWatch && content is null)
        {
            errors.Add(prefix + "properties.content", $"{name} needs the content id being watched.");
            return null;
        }
        if (name == EventNames.VideoProgress)
        {
            if (!props.TryGetValue("percent", out var p) || p.ValueKind != JsonValueKind.Number
                || !p.TryGetInt32(out percent) || Array.IndexOf(EventNames.Milestones, percent) < 0)
            {
                errors.Add(prefix + "properties.percent", "VideoProgress is sent at milestones only: 25, 50, 75 or 95.");
                return null;
            }
            milestone = $"{content}:{percent}";
            completionField = SessionField.Completion(content!);
        }

        if (name == EventNames.VideoComplete)
        {
            // Once per content per session, like a milestone; completion 100 (the seed's intro_completion: 100).
            (milestone, completionField, percent) = ($"{content}:100", SessionField.Completion(content!), 100);
        }
        double? watchTime = null;
        if (props.TryGetValue("watch_time", out var wt) && name is EventNames.VideoStart or EventNames.VideoProgress or EventNames.VideoComplete or EventNames.VideoWatch)
        {
            if (wt.ValueKind != JsonValueKind.Number || !wt.TryGetDouble(out var seconds) || seconds < 0 || seconds > MaxWatchReport)
            {
                errors.Add(prefix + "properties.watch_time", $"Seconds played since the previous report: a number from 0 to {MaxWatchReport}.");
                return null;
            }
            watchTime = seconds;
        }
        else if (name == EventNames.VideoWatch)
        {
            errors.Add(prefix + "properties.watch_time", "VideoWatch needs the seconds played since the previous report.");
            return null;
        }
        string? setField = null, setValue = null;
        if (name == EventNames.CampaignSelected)
        {
            var campaign = props.TryGetValue("campaign", out var sc) && sc.ValueKind == JsonValueKind.String ? sc.GetString() : null;
            if (!Ids.IsSafe(campaign, 64))
            {
                errors.Add(prefix + "properties.campaign", "CampaignSelected needs the campaign id: 1-64 letters, digits, '_', '-', '.', ':'.");
                return null;
            }
            (setField, setValue) = (SessionField.SelectedCampaign, campaign);
        }
        else if (name == EventNames.PageView && item.Url is not null)
        {
            // The session's latest page: Meta's event_source_url for a later event that names no page.
            (setField, setValue) = (SessionField.LastPage, item.Url);
        }

        return new EventMeaning(content, milestone, completionField, percent, watchTime, setField, setValue);
    }
}
