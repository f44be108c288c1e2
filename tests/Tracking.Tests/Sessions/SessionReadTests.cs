using System.Net;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>A session id is not a bearer token: reading a session takes the ops key.</summary>
public sealed class SessionReadTests
{

    [Fact]
    public async Task Get_session_without_the_ops_key_is_401_and_never_answers_cross_origin()
    {
        using var app = new TrackingApp(new() { ["Ops:ApiKey"] = OpsKey.Value });
        var browser = app.Browser();
        var sid = (await browser.NewSessionAsync()).GetProperty("sessionId").GetString()!;

        using var crossOrigin = new HttpRequestMessage(HttpMethod.Get, $"/session/{sid}");
        crossOrigin.Headers.Add("Origin", "https://film.example");
        var anonymous = await browser.SendAsync(crossOrigin);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Authorization", (await anonymous.ProblemAsync()).GetProperty("field").GetString());
        Assert.False(anonymous.Headers.Contains("Access-Control-Allow-Origin"));

        using var wrong = new HttpRequestMessage(HttpMethod.Get, $"/session/{sid}");
        wrong.Headers.Authorization = new("Bearer", "not-the-ops-key-0123456789abcdef0123");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().SendAsync(wrong)).StatusCode);

        using var ops = new HttpRequestMessage(HttpMethod.Get, $"/session/{sid}");
        ops.Headers.Authorization = new("Bearer", OpsKey.Value);
        ops.Headers.Add("Origin", "https://film.example");
        var read = await app.CreateClient().SendAsync(ops);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.False(read.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
