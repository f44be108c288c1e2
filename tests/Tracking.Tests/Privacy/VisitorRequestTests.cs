using System.Net;
using System.Net.Http.Json;
using Tracking.Tests.Support;

namespace Tracking.Tests.Privacy;

/// <summary>
/// Export and erasure requests: the e-mail address only in the body (URLs land in access and CDN logs), exactly one
/// of e-mail and visitor id, each checked with a problem naming the field.
/// </summary>
public sealed class VisitorRequestTests : IDisposable
{
    private const string Address = "someone.private@example.org";

    private readonly DeliveryApp _app = DeliveryApp.Create();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("GET", "/ops/visitors?email=" + Address)]
    [InlineData("DELETE", "/ops/visitors?email=" + Address)]
    [InlineData("POST", "/ops/visitors/erase?email=" + Address)]
    [InlineData("POST", "/ops/visitors/export?q=" + Address)]
    [InlineData("GET", "/ops/visitors/" + Address)]
    [InlineData("DELETE", "/ops/visitors/" + Address)]
    public async Task An_email_in_the_url_is_refused_saying_to_send_it_in_the_body_and_is_never_logged(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { visitorId = "some-visitor" }) };

        var response = await _app.Ops().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out var detail), problem.ToString());
        Assert.Contains("body", detail[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), r => r.Message.Contains("example.org", StringComparison.OrdinalIgnoreCase)
            || r.StructuredState?.Any(s => s.Value?.Contains("example.org", StringComparison.OrdinalIgnoreCase) == true) == true);
    }

    [Theory]
    [InlineData("{}", "email")]
    [InlineData("""{"email":"a@example.org","visitorId":"v1"}""", "email")]
    [InlineData("""{"email":"not an address"}""", "email")]
    [InlineData("""{"visitorId":"a*b"}""", "visitorId")]
    [InlineData("""{"visitorId":7}""", "visitorId")]
    [InlineData("""{"name":"x"}""", "name")]
    [InlineData("[]", "body")]
    public async Task A_body_without_exactly_one_valid_email_or_visitor_id_is_refused_naming_the_field(string body, string field)
    {
        foreach (var path in new[] { "/ops/visitors/export", "/ops/visitors/erase" })
        {
            var response = await _app.Ops().PostJsonAsync(path, body);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.ProblemAsync();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{path} {body}: {problem}");
        }
    }

    [Fact]
    public async Task Export_and_erasure_by_body_need_the_ops_key_and_unknown_people_are_not_found()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().PostAsJsonAsync("/ops/visitors/export", new { email = Address })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().PostAsJsonAsync("/ops/visitors/erase", new { email = Address })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Ops().PostAsJsonAsync("/ops/visitors/export", new { email = Address })).StatusCode);
        var erased = await _app.Ops().PostAsJsonAsync("/ops/visitors/erase", new { email = Address });
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(0, (await erased.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("visitors").GetInt32());
    }
}
