using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracking.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Tracking.Tests.GoogleAds;

/// <summary>
/// Google's side for the delivery app: a service-account key file written for the test (a fresh RSA key) whose
/// <c>token_uri</c> is the strict stub, the token endpoint (token-1, then token-2, ...) and the Data Manager API.
/// </summary>
public sealed class GoogleAdsRig : IDisposable
{
    public const string IngestPath = "/v1/events:ingest";
    public const string StatusPath = "/v1/requestStatus:retrieve";
    public const string TokenPath = "/oauth2/token";
    public const string CustomerId = "1234567890";
    public const string ConversionActionId = "555000111";
    public const string LeadConversionActionId = "555000222";
    public const string ClientEmail = "tracking@film-project.iam.gserviceaccount.com";

    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"googleads-key-{Guid.NewGuid():N}.json");

    public GoogleAdsRig(Dictionary<string, string?>? extra = null, int tokenLifetimeSeconds = 3600, int tokens = 3)
    {
        Key = RSA.Create(2048);
        var stub = WireMockServer.Start();
        var key = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "film-project",
            ["private_key_id"] = "key-1",
            ["private_key"] = Key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = ClientEmail,
            ["token_uri"] = stub.Url + TokenPath,
        };
        File.WriteAllText(_keyFile, key.ToJsonString());
        App = DeliveryApp.CreateWithStripe(Settings(stub.Url!, extra), stub);
        StubTokens(tokenLifetimeSeconds, tokens);
        App.Stub.Given(Request.Create().WithPath(StatusPath).UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"requestStatusPerDestination":[{"requestStatus":"SUCCESS","eventsIngestionStatus":{"recordCount":"1"}}]}"""));
        App.StubMetaOk();
        App.StubPostHogOk();
    }

    public DeliveryApp App { get; }

    public RSA Key { get; }

    private Dictionary<string, string?> Settings(string stubUrl, Dictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GoogleAds:BaseUrl"] = stubUrl,
            ["GoogleAds:CredentialsFile"] = _keyFile,
            ["GoogleAds:CustomerId"] = CustomerId,
            ["GoogleAds:ConversionActionId"] = ConversionActionId,
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }
        return settings;
    }

    /// <summary>token-1 for the first token request, token-2 for the second, and so on.</summary>
    private void StubTokens(int lifetime, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var request = App.Stub.Given(Request.Create().WithPath(TokenPath).UsingPost()).InScenario("tokens");
            request = i == 1 ? request : request.WhenStateIs($"issued-{i - 1}");
            request.WillSetStateTo($"issued-{i}").AtPriority(100)
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody($$"""{"access_token":"ya29.token-{{i}}","expires_in":{{lifetime}},"token_type":"Bearer"}"""));
        }
    }

    /// <summary>Google accepts every request.</summary>
    public void StubIngestOk() => App.Stub.Given(Request.Create().WithPath(IngestPath).UsingPost()).AtPriority(100)
        .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"requestId":"req-1"}"""));

    public IEnumerable<WireMock.Logging.ILogEntry> Ingests() => App.Calls(IngestPath);

    public IEnumerable<WireMock.Logging.ILogEntry> TokenRequests() => App.Calls(TokenPath);

    /// <summary>Every event in an ingest request Google answered 2xx.</summary>
    public List<JsonElement> EventsDelivered() => Ingests()
        .Where(e => e.ResponseMessage.StatusCode is int code && code is >= 200 and < 300)
        .SelectMany(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.GetProperty("events").EnumerateArray())
        .ToList();

    public void Dispose()
    {
        App.Dispose();
        Key.Dispose();
        File.Delete(_keyFile);
    }
}
