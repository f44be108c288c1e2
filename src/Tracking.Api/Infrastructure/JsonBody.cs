using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tracking.Infrastructure;

/// <summary>
/// Reads a JSON body ourselves instead of relying on parameter binding, so malformed JSON, wrong types, unknown
/// fields and oversized bodies become problem+json naming the field (binding failures would not say which).
/// Any content type is accepted: <c>navigator.sendBeacon</c> posts text/plain to avoid a CORS preflight.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> info)
        where T : class
    {
        // Kestrel enforces the same limit while streaming; checking the declared length first answers at once.
        if (request.ContentLength > ServiceDefaults.MaxBodyBytes)
        {
            return (null, TooLarge());
        }
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, info, request.HttpContext.RequestAborted);
            return value is null
                ? (null, Problems.Invalid("body", "A JSON object is required."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = FieldOf(ex.Path);
            var detail = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"Unknown field '{field}'."
                : $"Malformed JSON or a value of the wrong type at '{field}'.";
            return (null, Problems.Invalid(field, detail));
        }
        catch (Exception ex) when (ex is BadHttpRequestException || ClientLeft(request, ex))
        {
            return (null, CouldNotRead(request, ex));
        }
    }

    /// <summary>The raw body as text, under the same size limit (for payloads that must be verified byte for byte).</summary>
    public static async Task<(string? Text, ProblemHttpResult? Problem)> ReadTextAsync(HttpRequest request)
    {
        if (request.ContentLength > ServiceDefaults.MaxBodyBytes)
        {
            return (null, TooLarge());
        }
        try
        {
            using var reader = new StreamReader(request.Body);
            return (await reader.ReadToEndAsync(request.HttpContext.RequestAborted), null);
        }
        catch (Exception ex) when (ex is BadHttpRequestException || ClientLeft(request, ex))
        {
            return (null, CouldNotRead(request, ex));
        }
    }

    // Kestrel's refusal (the body outgrew the limit while streaming, or broke its framing), else the client left.
    private static ProblemHttpResult CouldNotRead(HttpRequest request, Exception ex) => ex switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(),
        BadHttpRequestException bad => Problems.Status(bad.StatusCode, "Bad request", "The request body could not be read.", "body"),
        _ => Unreadable(request),
    };

    // A client that resets the connection or gives up mid-body: not a server fault, and certainly not a Redis outage.
    private static bool ClientLeft(HttpRequest request, Exception ex) =>
        ex is IOException or OperationCanceledException
        && (request.HttpContext.RequestAborted.IsCancellationRequested || StoreUnavailableHandler.IsClientDisconnect(ex));

    private static ProblemHttpResult Unreadable(HttpRequest request)
    {
        // Nobody is left to answer; aborting also stops Kestrel from trying to drain the broken body.
        request.HttpContext.Abort();
        return Problems.Status(StatusCodes.Status400BadRequest, "Bad request", "The connection closed before the body was complete.", "body");
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The request body exceeds {ServiceDefaults.MaxBodyBytes / 1024} KB.", "body");

    // "$.events[2].timestamp" -> "events[2].timestamp"; the root itself is reported as "body".
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
