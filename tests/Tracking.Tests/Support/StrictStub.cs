using WireMock.Server;

namespace Tracking.Tests.Support;

// WireMock answers an unexpected request with a 404 the service may shrug off; this names every request no mapping matched, so fixtures can fail on it.
public static class StrictStub
{
    public static IReadOnlyList<string> UnmatchedRequests(WireMockServer stub) => stub.LogEntries
        .Where(e => e.MappingGuid is null)
        .Select(e => $"{e.RequestMessage.Method} {e.RequestMessage.Path}")
        .ToList();
}
