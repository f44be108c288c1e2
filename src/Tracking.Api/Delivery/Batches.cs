namespace Tracking.Delivery;

/// <summary>Batch sending shared by destinations whose API takes many events per request.</summary>
internal static class Batches
{
    /// <summary>
    /// Sends a batch; when the destination refuses it for its content (<see cref="Outcome.Dead"/>), splits it in
    /// halves until the bad events stand alone, so one invalid event neither blocks nor drops the others.
    /// </summary>
    public static async Task SendIsolatingAsync<T>(
        IReadOnlyList<T> items, int maxPerRequest, Func<IReadOnlyList<T>, Task<Outcome>> send, Action<T, Outcome> record)
    {
        if (items.Count > maxPerRequest)
        {
            foreach (var chunk in items.Chunk(maxPerRequest))
            {
                await SendIsolatingAsync(chunk, maxPerRequest, send, record);
            }
            return;
        }
        if (items.Count == 0)
        {
            return;
        }
        var result = await send(items);
        if (result is Outcome.Dead && items.Count > 1)
        {
            var half = items.Count / 2;
            await SendIsolatingAsync(items.Take(half).ToList(), maxPerRequest, send, record);
            await SendIsolatingAsync(items.Skip(half).ToList(), maxPerRequest, send, record);
            return;
        }
        foreach (var item in items)
        {
            record(item, result);
        }
    }
}
