using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace Tracking.Tests.Support;

public static class ApiCalls
{
    public const string IphoneSafari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    /// <summary>A client of the ops endpoints: <c>Authorization: Bearer {key}</c>.</summary>
    public static HttpClient Ops(this TrackingApp app, string key = OpsKey.Value)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public static HttpClient Browser(this TrackingApp app, string userAgent = IphoneSafari, string? country = "US")
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        if (country is not null)
        {
            client.DefaultRequestHeaders.Add("CF-IPCountry", country);
        }
        return client;
    }

    public static async Task<JsonElement> NewSessionAsync(this HttpClient client, string url = "https://film.example/watch?utm_source=facebook&utm_medium=social&utm_campaign=winter&utm_content=trailer_30s&fbclid=IwAR1234", object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["url"] = url };
        foreach (var p in extra?.GetType().GetProperties() ?? [])
        {
            body[p.Name] = p.GetValue(extra);
        }
        var response = await client.PostAsJsonAsync("/session", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        await client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
