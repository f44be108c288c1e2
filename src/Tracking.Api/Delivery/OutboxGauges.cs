namespace Tracking.Delivery;

/// <summary>Measures the outbox for the gauges of <see cref="DeliveryMetrics"/>: depth, how overdue, dead letters, Redis latency.</summary>
internal sealed class OutboxGauges(OutboxStore store, DeliveryMetrics metrics, TimeProvider clock)
{
    public async Task SampleAsync()
    {
        var latency = await store.PingAsync();
        var (depth, oldestDue) = await store.DepthAsync();
        var overdue = oldestDue is { } due ? Math.Max(0, (clock.GetUtcNow().ToUnixTimeMilliseconds() - due) / 1000.0) : 0;
        metrics.Outbox(depth, overdue, await store.DeadCountAsync(), latency);
    }
}
