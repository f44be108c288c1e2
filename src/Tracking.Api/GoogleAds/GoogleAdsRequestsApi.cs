using System.Text.Json;
using System.Text.Json.Serialization;
using Tracking.Edge;

namespace Tracking.GoogleAds;

/// <summary>
/// <c>GET /ops/googleads/requests</c>: the Data Manager's later verdicts on requests it had accepted. An ingest answer
/// only says the request was received; whether its events were processed arrives afterwards, so the failures are kept
/// where an operator looks, beside the log and the metric.
/// </summary>
internal static class GoogleAdsRequestsApi
{
    public static IEndpointRouteBuilder MapGoogleAdsRequestsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ops/googleads/requests", Get).WithTags("Ops").RequireOpsKey()
            .WithName("GetGoogleAdsRequestFailures")
            .WithSummary("Google Ads requests the Data Manager accepted but then failed to process (newest last).")
            .WithDescription("""
                The last 50 requests whose `requestStatus:retrieve` answer was FAILED or PARTIAL_SUCCESS, as this replica checked
                them (each replica checks the requests it sent): the request id, Google's status, how many events it carried,
                Google's reasons and when it was checked. Also logged at Error and counted in
                `tracking.googleads.request_failures`. Empty when Google Ads is not configured.
                """);
        return app;
    }

    internal static GoogleAdsRequestsReport Get(GoogleAdsRequests requests) => new(requests.RecentFailures);
}

public sealed record GoogleAdsRequestsReport(IReadOnlyList<GoogleAdsRequestFailure> Failures);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GoogleAdsRequestsReport))]
internal sealed partial class GoogleAdsOpsJson : JsonSerializerContext;
