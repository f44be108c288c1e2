using Tracking.Sessions;

namespace Tracking.Reports;

/// <summary>An attribution model (<c>?model=</c>: first_touch, last_touch, linear, position_based).</summary>
internal enum AttributionModel
{
    FirstTouch,
    LastTouch,
    Linear,
    PositionBased,
}

/// <summary>What attribution rows are grouped by (<c>?groupBy=</c>).</summary>
internal enum AttributionGroup
{
    Source,
    Campaign,
    Content,

    /// <summary>The fundraising campaign the visitor picked (CampaignSelected / the checkout's <c>campaign</c>): full credit, whatever the model.</summary>
    SelectedCampaign,

    /// <summary>The ad platform the donation came from (meta, google, tiktok, other; <c>ClickIds/AdPlatform</c>): full credit, whatever the model.</summary>
    Platform,
}

/// <summary>How one conversion's credit is split over its touches.</summary>
internal static class AttributionModels
{
    /// <summary>
    /// Credit per touch, summing to 1. Direct visits never take credit from a campaign; a path with no campaign
    /// touch (expired session, direct traffic) gets none and is reported as unattributed.
    /// </summary>
    public static IReadOnlyList<(Touch Touch, double Credit)> Credit(AttributionModel model, IReadOnlyList<Touch> path)
    {
        var touches = path.Where(t => t.Source != "(direct)").ToList();
        var n = touches.Count;
        if (n == 0)
        {
            return [];
        }
        return model switch
        {
            AttributionModel.FirstTouch => [(touches[0], 1.0)],
            AttributionModel.LastTouch => [(touches[^1], 1.0)],
            AttributionModel.Linear => touches.Select(t => (t, 1.0 / n)).ToList(),
            AttributionModel.PositionBased => PositionBased(touches),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown attribution model"),
        };
    }

    // 40 % first, 40 % last, 20 % spread over the middle; with one or two touches they share everything equally.
    private static List<(Touch, double)> PositionBased(List<Touch> touches)
    {
        var n = touches.Count;
        if (n <= 2)
        {
            return touches.Select(t => (t, 1.0 / n)).ToList();
        }
        var credits = new List<(Touch, double)>(n) { (touches[0], 0.4) };
        credits.AddRange(touches.Skip(1).Take(n - 2).Select(t => (t, 0.2 / (n - 2))));
        credits.Add((touches[^1], 0.4));
        return credits;
    }
}
