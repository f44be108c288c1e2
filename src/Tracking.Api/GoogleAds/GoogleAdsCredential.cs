using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace Tracking.GoogleAds;

/// <summary>The fields of a service account's JSON key file that a token request needs.</summary>
public sealed record ServiceAccountKey(
    [property: JsonPropertyName("client_email")] string? ClientEmail,
    [property: JsonPropertyName("private_key")] string? PrivateKey,
    [property: JsonPropertyName("private_key_id")] string? PrivateKeyId,
    [property: JsonPropertyName("token_uri")] string? TokenUri);

/// <summary>
/// OAuth2 access tokens for the Data Manager API from the service account's key. Google.Apis.Auth signs the JWT
/// grant, posts it to the key's own <c>token_uri</c>, caches the token and fetches a new one before it expires, on
/// our clock (so the refresh follows the service's <see cref="TimeProvider"/>).
/// </summary>
internal sealed class GoogleAdsCredential(IOptions<GoogleAdsOptions> options, TimeProvider clock)
{
    public const string Scope = "https://www.googleapis.com/auth/datamanager";

    private readonly Lazy<ServiceAccountCredential> _credential = new(() => Create(options.Value.CredentialsFile, clock));

    public Task<string> AccessTokenAsync(CancellationToken cancellationToken) =>
        _credential.Value.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);

    private static ServiceAccountCredential Create(string path, TimeProvider clock)
    {
        var key = JsonSerializer.Deserialize(File.ReadAllText(path), GoogleAdsJson.Default.ServiceAccountKey);
        if (key?.ClientEmail is null || key.PrivateKey is null)
        {
            throw new InvalidOperationException("GoogleAds:CredentialsFile is not a service account key (client_email, private_key).");
        }
        var initializer = new ServiceAccountCredential.Initializer(key.ClientEmail, key.TokenUri ?? GoogleAuthConsts.OidcTokenUrl)
        {
            Scopes = [Scope],
            KeyId = key.PrivateKeyId,
            Clock = new Clock(clock),
        };
        return new ServiceAccountCredential(initializer.FromPrivateKey(key.PrivateKey));
    }

    private sealed class Clock(TimeProvider time) : Google.Apis.Util.IClock
    {
        public DateTime Now => time.GetLocalNow().DateTime;

        public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
    }
}

/// <summary>Puts the current access token on every Data Manager request (the credential refreshes it before it expires).</summary>
internal sealed class GoogleAdsAuthHandler(GoogleAdsCredential credential) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await credential.AccessTokenAsync(cancellationToken);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }
}
