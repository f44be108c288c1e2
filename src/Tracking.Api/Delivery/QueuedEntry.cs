namespace Tracking.Delivery;

/// <summary>An entry ready to be written by a script: its JSON once, and one id per destination that takes it.</summary>
internal sealed record QueuedEntry(string Json, IReadOnlyList<string> Ids)
{
    public static readonly QueuedEntry None = new("", []);
}
