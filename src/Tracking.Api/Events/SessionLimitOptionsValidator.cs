using Microsoft.Extensions.Options;
using Tracking.Infrastructure;

namespace Tracking.Events;

/// <summary>Start-up validation: a bad value stops the service with a message naming the configuration key.</summary>
internal sealed class SessionLimitOptionsValidator : IValidateOptions<SessionLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionLimitOptions options)
    {
        const string S = SessionLimitOptions.Section;
        return OptionRules.Result(
            OptionRules.Range($"{S}:SessionTtlDays", options.SessionTtlDays, 1, 90),
            OptionRules.Range($"{S}:MaxEventsPerBatch", options.MaxEventsPerBatch, 1, 500),
            OptionRules.Range($"{S}:MaxEventsPerSession", options.MaxEventsPerSession, 1, 100_000),
            OptionRules.Range($"{S}:MaxEventBytes", options.MaxEventBytes, 512, 65_536),
            OptionRules.Range($"{S}:MaxTouchesPerSession", options.MaxTouchesPerSession, 2, 1000, why: "the first touch and at least the latest"),
            OptionRules.Range($"{S}:MaxContentsPerSession", options.MaxContentsPerSession, 1, 1000),
            OptionRules.Range($"{S}:MaxSignupsPerSession", options.MaxSignupsPerSession, 0, 100));
    }
}
