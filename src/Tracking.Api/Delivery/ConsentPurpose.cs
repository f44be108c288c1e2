namespace Tracking.Delivery;

/// <summary>The consent a destination needs: marketing (ad platforms) or analytics (product analytics).</summary>
internal enum ConsentPurpose
{
    Marketing,
    Analytics,
}
