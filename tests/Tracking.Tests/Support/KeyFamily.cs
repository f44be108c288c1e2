namespace Tracking.Tests.Support;

/// <summary>
/// Reads keys named by the layout in <c>Storage/Keys</c>, so a test that scans Redis names no key itself:
/// a family's prefix is taken from a key the layout builds, and a key's id from its hash tag.
/// </summary>
public static class KeyFamily
{
    /// <summary>What every key of a layout method's family starts with: the key up to its hash tag.</summary>
    public static string Prefix(string layoutKey) => layoutKey[..layoutKey.IndexOf('{', StringComparison.Ordinal)];

    /// <summary>The id in a key's hash tag (the session id of <c>Keys.Events(id)</c>), or null for a key without one.</summary>
    public static string? Tag(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = key.IndexOf('}', StringComparison.Ordinal);
        return open < 0 || close < open ? null : key[(open + 1)..close];
    }
}
