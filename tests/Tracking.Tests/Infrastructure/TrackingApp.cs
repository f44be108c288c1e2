using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Tracking.Tests.Infrastructure;

/// <summary>The service hosted in-process against the real test Redis, with per-test settings.</summary>
public class TrackingApp : WebApplicationFactory<Program>
{
    private static int _lastDatabase;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="settings">Configuration overrides.</param>
    /// <param name="services">Service overrides (e.g. a FakeTimeProvider).</param>
    /// <param name="isolated">Use a Redis database of its own, so outbox workers of parallel test classes never meet.</param>
    public TrackingApp(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, bool isolated = false)
    {
        _services = services;
        // A cluster has one database: there the suite runs one test at a time (see .ci/run) and isolation is a flush.
        var cluster = RedisServer.Shared.IsCluster;
        Database = isolated ? IsolatedDatabase() : 0;
        _settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Redis:ConnectionString"] = RedisServer.Shared.ConnectionString + (cluster ? "" : $",defaultDatabase={Database}"),
            ["Tracking:AllowedOrigins:0"] = "https://film.example",
            ["Tracking:RateLimitPerMinute"] = "100000",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
    }

    public int Database { get; }

    /// <summary>A fresh, flushed Redis database for one test (database 0, flushed, on a cluster).</summary>
    public static int IsolatedDatabase()
    {
        var database = RedisServer.Shared.IsCluster ? 0 : Interlocked.Increment(ref _lastDatabase);
        if (database > 1023)
        {
            throw new InvalidOperationException("Out of isolated Redis databases");
        }
        RedisServer.Shared.Flush(database);
        return database;
    }

    public IDatabase Db => RedisServer.Shared.Connection.GetDatabase(Database);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }
}

public static class ApiCalls
{
    public const string IphoneSafari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

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
