using Microsoft.Extensions.Options;

namespace Tracking.Delivery;

internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions o)
    {
        var errors = new List<string>();
        if (o.BatchSize is < 1 or > 1000)
        {
            errors.Add("Delivery:BatchSize must be between 1 and 1000 (Meta's limit per request).");
        }
        if (o.PollInterval <= TimeSpan.Zero || o.Lease <= TimeSpan.Zero || o.BaseBackoff <= TimeSpan.Zero || o.MaxBackoff < o.BaseBackoff)
        {
            errors.Add("Delivery:PollInterval, Delivery:Lease and Delivery:BaseBackoff must be positive and Delivery:MaxBackoff at least Delivery:BaseBackoff.");
        }
        if (o.AttemptTimeout <= TimeSpan.Zero || o.Lease <= o.AttemptTimeout * (o.Retries + 1) * 2)
        {
            errors.Add("Delivery:Lease must exceed twice Delivery:AttemptTimeout × (Delivery:Retries + 1), or a slow send could outlive its lease.");
        }
        if (o.Retries is < 0 or > 10 || o.Parallelism is < 1 or > 16)
        {
            errors.Add("Delivery:Retries must be 0-10 and Delivery:Parallelism 1-16.");
        }
        if (o.DeadLetterRetentionDays is < 1 or > 365)
        {
            errors.Add($"Delivery:DeadLetterRetentionDays must be between 1 and 365 (got {o.DeadLetterRetentionDays}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
