using Microsoft.AspNetCore.Http.HttpResults;

namespace Tracking.Infrastructure;

/// <summary>RFC 9457 problem results that always name the offending field.</summary>
internal static class Problems
{
    /// <summary>400 with the standard <c>errors</c> map (field → messages), as a ProblemHttpResult so every failure has one type.</summary>
    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest });

    public static ProblemHttpResult Invalid(string field, string detail) =>
        Invalid(new Dictionary<string, string[]> { [field] = [detail] });

    public static ProblemHttpResult Status(int status, string title, string detail, string? field = null)
    {
        var extensions = field is null ? null : new Dictionary<string, object?> { ["field"] = field };
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
    }

    public static ProblemHttpResult UnknownSession(string field = "sessionId") =>
        Status(StatusCodes.Status404NotFound, "Unknown session", "The session does not exist or has expired; create one with POST /session.", field);
}

/// <summary>Collects field errors; empty when the input is valid.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string detail) => _errors.TryAdd(field, [detail]);

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"Must be at most {max} characters.");
        }
    }

    /// <summary>An optional page address (a page's URL, or its <c>document.referrer</c>): see <see cref="RefererPage.IsPageUrl"/>.</summary>
    public void PageUrl(string field, string? value, int max)
    {
        if (value is not null && !RefererPage.IsPageUrl(value, max))
        {
            Add(field, $"Must be an absolute http(s) URL of at most {max} characters.");
        }
    }

    public ProblemHttpResult ToProblem() => Problems.Invalid(_errors);
}
