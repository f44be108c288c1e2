using System.Text.Json;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Tracking.Tests.TikTok;

/// <summary>
/// TikTok's Events API as a strict WireMock stand-in of its own (beside the delivery app's Meta/PostHog stub): a
/// request no mapping matched fails the test on dispose. Answers as TikTok does, HTTP 200 with the verdict in <c>code</c>.
/// </summary>
public sealed class TikTokStandIn : IDisposable
{
    public const string Path = "/open_api/v1.3/event/track/";
    public const string PixelCode = "C4TESTPIXEL00000000A1";
    public const string Token = "tiktok-secret-token";

    public WireMockServer Stub { get; } = WireMockServer.Start();

    /// <summary>The settings that point the service at this stand-in.</summary>
    public Dictionary<string, string?> Settings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["TikTok:BaseUrl"] = Stub.Url,
            ["TikTok:PixelCode"] = PixelCode,
            ["TikTok:AccessToken"] = Token,
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        return settings;
    }

    /// <summary>A track call as the service must make it: POST, the path, the token in its header.</summary>
    public static IRequestBuilder Track() => Request.Create().WithPath(Path).UsingPost().WithHeader("Access-Token", Token);

    public static IResponseBuilder Answer(int code, string message) => Response.Create().WithStatusCode(200)
        .WithHeader("Content-Type", "application/json")
        .WithBody($$"""{"code":{{code}},"message":"{{message}}","request_id":"2026120703000000000000000000","data":{} }""");

    public void AnswerOk() => Stub.Given(Track()).AtPriority(100).RespondWith(Answer(0, "OK"));

    /// <summary>Every request body TikTok received, in order.</summary>
    public List<JsonElement> Requests() => Stub.LogEntries.Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement).ToList();

    /// <summary>Every event TikTok accepted (HTTP 200 and code 0).</summary>
    public List<JsonElement> Delivered() => Stub.LogEntries
        .Where(e => e.ResponseMessage.StatusCode is 200 && e.ResponseMessage.BodyData?.BodyAsString is { } body
            && JsonDocument.Parse(body).RootElement.GetProperty("code").GetInt32() == 0)
        .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("data").EnumerateArray())
        .ToList();

    public void Dispose()
    {
        var unmatched = StrictStub.UnmatchedRequests(Stub);
        Stub.Stop();
        Assert.True(unmatched.Count == 0, $"requests TikTok's stand-in had no mapping for: {string.Join(", ", unmatched)}");
    }
}
