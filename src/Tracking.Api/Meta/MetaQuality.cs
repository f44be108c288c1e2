using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Tracking.Meta;

/// <summary>
/// Asks Meta's Dataset Quality API about the configured dataset, at most once per <c>Meta:QualityCacheFor</c>
/// (a dashboard refreshing every few seconds must not spend Meta's rate limit), through the same retry, circuit
/// breaker and timeout as delivery.
/// </summary>
internal sealed class MetaQuality(IMetaDatasetQualityApi api, IOptions<MetaOptions> options, TimeProvider clock, ILogger<MetaQuality> log) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (MetaQualityReport Report, DateTimeOffset Until)? _cached;

    public void Dispose() => _gate.Dispose();

    /// <summary>The report, or why Meta could not give it.</summary>
    public async Task<MetaQualityResult> GetAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (_cached is { } hit && clock.GetUtcNow() < hit.Until)
        {
            return new(hit.Report, null);
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && clock.GetUtcNow() < again.Until)
            {
                return new(again.Report, null);
            }
            var result = await FetchAsync(o, cancellationToken);
            if (result.Report is { } report)
            {
                _cached = (report, clock.GetUtcNow() + o.QualityCacheFor);
            }
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<MetaQualityResult> FetchAsync(MetaOptions o, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await api.GetAsync(o.ApiVersion, o.PixelId, MetaQualityReader.Fields, "Bearer " + o.AccessToken, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("Meta's Dataset Quality API is unreachable: {Failure}", ex.GetType().Name);
            return new(null, new MetaQualityFailure(Unavailable: true, "Meta's Dataset Quality API did not answer; try again shortly."));
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    using var json = JsonDocument.Parse(body);
                    return new(new MetaQualityReport(o.PixelId, clock.GetUtcNow(), MetaQualityReader.Read(json.RootElement)), null);
                }
                catch (JsonException)
                {
                    return new(null, new MetaQualityFailure(Unavailable: false, "Meta answered with something that is not JSON."));
                }
            }
            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                log.LogWarning("Meta's Dataset Quality API answered {Status}", status);
                return new(null, new MetaQualityFailure(Unavailable: true, $"Meta answered {status}; try again shortly."));
            }
            // A 4xx is ours to fix (token without the dataset's reporting permission, wrong dataset): say Meta's words.
            var error = TryError(body);
            var detail = error is null
                ? $"Meta answered {status}."
                : $"Meta answered {status}: {error.Type} (code {error.Code}{(error.ErrorSubcode is { } sub ? $", subcode {sub}" : "")}): {error.Message}";
            log.LogWarning("Meta's Dataset Quality API refused the request: {Status} {Type} {Code}", status, error?.Type, error?.Code);
            return new(null, new MetaQualityFailure(Unavailable: false, detail));
        }
    }

    private static MetaError? TryError(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, MetaJson.Default.MetaErrorBody)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal sealed record MetaQualityResult(MetaQualityReport? Report, MetaQualityFailure? Failure);

/// <param name="Unavailable">Meta down, slow or rate-limiting (503, retry later) rather than refusing the request (502).</param>
internal sealed record MetaQualityFailure(bool Unavailable, string Detail);
