using Microsoft.Extensions.Options;

namespace Tracking.Events;

/// <summary>Start-up validation: a bad value stops the service with a message naming the configuration key.</summary>
internal sealed class SessionLimitOptionsValidator : IValidateOptions<SessionLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionLimitOptions options)
    {
        var errors = new List<string>();
        const string S = SessionLimitOptions.Section;
        if (options.SessionTtlDays is < 1 or > 90)
        {
            errors.Add($"{S}:SessionTtlDays must be between 1 and 90 (got {options.SessionTtlDays}).");
        }
        if (options.MaxEventsPerBatch is < 1 or > 500)
        {
            errors.Add($"{S}:MaxEventsPerBatch must be between 1 and 500.");
        }
        if (options.MaxEventsPerSession is < 1 or > 100_000)
        {
            errors.Add($"{S}:MaxEventsPerSession must be between 1 and 100000 (got {options.MaxEventsPerSession}).");
        }
        if (options.MaxEventBytes is < 512 or > 65_536)
        {
            errors.Add($"{S}:MaxEventBytes must be between 512 and 65536 (got {options.MaxEventBytes}).");
        }
        if (options.MaxTouchesPerSession is < 2 or > 1000)
        {
            errors.Add($"{S}:MaxTouchesPerSession must be between 2 and 1000: the first touch and at least the latest (got {options.MaxTouchesPerSession}).");
        }
        if (options.MaxContentsPerSession is < 1 or > 1000)
        {
            errors.Add($"{S}:MaxContentsPerSession must be between 1 and 1000 (got {options.MaxContentsPerSession}).");
        }
        if (options.MaxSignupsPerSession is < 0 or > 100)
        {
            errors.Add($"{S}:MaxSignupsPerSession must be between 0 and 100 (got {options.MaxSignupsPerSession}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
