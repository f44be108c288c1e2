namespace Tracking.Events;

internal static class EventNames
{
    public const string PageView = "PageView";
    public const string ViewContent = "ViewContent";
    public const string VideoStart = "VideoStart";
    public const string VideoProgress = "VideoProgress";
    public const string InitiateCheckout = "InitiateCheckout";
    public const string Purchase = "Purchase";

    public static readonly int[] Milestones = [25, 50, 75, 95];

    /// <summary>Only the server may record these: a forged Purchase would poison Meta's optimisation.</summary>
    public static bool IsServerOnly(string name) =>
        name.Equals(Purchase, StringComparison.OrdinalIgnoreCase) || name.Equals(InitiateCheckout, StringComparison.OrdinalIgnoreCase);
}
