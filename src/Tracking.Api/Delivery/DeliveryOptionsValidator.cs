using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Delivery;

internal sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions o)
    {
        var errors = new List<string?>
        {
            OptionRules.Range("Delivery:BatchSize", o.BatchSize, 1, 1000, why: "Meta's limit per request"),
            OptionRules.Range("Delivery:Retries", o.Retries, 0, 10),
            OptionRules.Range("Delivery:Parallelism", o.Parallelism, 1, 16),
            OptionRules.Range("Delivery:DeadLetterRetentionDays", o.DeadLetterRetentionDays, 1, 365),
        };
        if (o.PollInterval <= TimeSpan.Zero || o.Lease <= TimeSpan.Zero || o.BaseBackoff <= TimeSpan.Zero || o.MaxBackoff < o.BaseBackoff)
        {
            errors.Add("Delivery:PollInterval, Delivery:Lease and Delivery:BaseBackoff must be positive and Delivery:MaxBackoff at least Delivery:BaseBackoff.");
        }
        if (o.AttemptTimeout <= TimeSpan.Zero || o.Lease <= o.AttemptTimeout * (o.Retries + 1) * 2)
        {
            errors.Add("Delivery:Lease must exceed twice Delivery:AttemptTimeout × (Delivery:Retries + 1), or a slow send could outlive its lease.");
        }
        return OptionRules.Result(errors);
    }
}
