using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Tracking.Infrastructure;

namespace Tracking.GoogleAds;

/// <summary>A request Google processed with failures, as <c>requestStatus:retrieve</c> reported it.</summary>
public sealed record GoogleAdsRequestFailure(string RequestId, string Status, int Events, string Reasons, DateTimeOffset CheckedAt);

/// <summary>
/// Google accepts an ingest request at once and processes it later, so an accepted event can still fail (an unknown
/// click, a conversion action that does not exist). Each accepted request is looked up again with
/// <c>requestStatus:retrieve</c> until it is done; failures are logged, counted
/// (<c>tracking.googleads.request_failures</c>) and kept for the operator (the latest few).
/// </summary>
internal sealed partial class GoogleAdsRequests
{
    // Google processes within minutes; a request still unknown after a day is given up.
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(1);
    private const int KeptFailures = 50;

    private readonly ConcurrentDictionary<string, (int Events, DateTimeOffset SentAt)> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<GoogleAdsRequestFailure> _failures = new();
    private int _checking;
    private readonly IGoogleAdsApi _api;
    private readonly TimeProvider _clock;
    private readonly ILogger<GoogleAdsRequests> _logger;
    private readonly Counter<long> _failed;

    public GoogleAdsRequests(IGoogleAdsApi api, TimeProvider clock, IMeterFactory meters, ILogger<GoogleAdsRequests> logger)
    {
        (_api, _clock, _logger) = (api, clock, logger);
        _failed = meters.Create(TrackingMetrics.MeterName).CreateCounter<long>(
            "tracking.googleads.request_failures", description: "Google Data Manager requests accepted, then failed or partly failed in processing");
    }

    public IReadOnlyList<GoogleAdsRequestFailure> RecentFailures => _failures.ToArray();

    public void Track(string requestId, int events) => _open[requestId] = (events, _clock.GetUtcNow());

    /// <summary>Looks up every open request once; one checker at a time.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_open.IsEmpty || Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }
        try
        {
            foreach (var (id, (events, sentAt)) in _open)
            {
                if (await StatusAsync(id, cancellationToken) is not { } status)
                {
                    if (_clock.GetUtcNow() - sentAt > GiveUpAfter)
                    {
                        _open.TryRemove(id, out _);
                    }
                    continue;
                }
                _open.TryRemove(id, out _);
                if (status.RequestStatus is "FAILED" or "PARTIAL_SUCCESS")
                {
                    Fail(id, events, status);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>The status once processing is over; null while Google is still processing or could not be asked.</summary>
    private async Task<RequestStatusPerDestination?> StatusAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _api.RequestStatusAsync(id, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            var body = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(cancellationToken), GoogleAdsJson.Default.RequestStatusResponse);
            var status = body?.RequestStatusPerDestination is [var first, ..] ? first : null;
            return status?.RequestStatus is "SUCCESS" or "FAILED" or "PARTIAL_SUCCESS" ? status : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or Polly.ExecutionRejectedException
            or Google.Apis.Auth.OAuth2.Responses.TokenResponseException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private void Fail(string id, int events, RequestStatusPerDestination status)
    {
        var reasons = string.Join(", ", (status.ErrorInfo?.ErrorCounts ?? []).Select(c => $"{c.Reason} ×{c.RecordCount}"));
        _failed.Add(1, new KeyValuePair<string, object?>("status", status.RequestStatus));
        Log.Failed(_logger, id, status.RequestStatus!, events, reasons);
        _failures.Enqueue(new GoogleAdsRequestFailure(id, status.RequestStatus!, events, reasons, _clock.GetUtcNow()));
        while (_failures.Count > KeptFailures)
        {
            _failures.TryDequeue(out _);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Google Ads processed request {RequestId} as {Status} ({Events} events): {Reasons}")]
        public static partial void Failed(ILogger logger, string requestId, string status, int events, string reasons);
    }
}
