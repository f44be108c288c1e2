using Tracking.Infrastructure;

namespace Tracking.Events;

internal static class SignupValidator
{
    /// <summary>The errors naming each bad field of a <c>POST /signup</c> body (none when it can be recorded).</summary>
    public static FieldErrors Validate(SignupRequest body)
    {
        var errors = new FieldErrors();
        if (body.SessionId is null)
        {
            errors.Add("sessionId", "The session id is required.");
        }
        errors.SafeId("sessionId", body.SessionId);
        if (!EmailAddress.IsValid(body.Email))
        {
            errors.Add("email", EmailAddress.Rule);
        }
        errors.PageUrl("url", body.Url, EventValidator.MaxUrl);
        errors.PageUrl("referrer", body.Referrer, EventValidator.MaxUrl);
        return errors;
    }
}
