using Tracking.Edge;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Sessions;
using Tracking.Tests.Support;

namespace Tracking.Tests.Sessions;

/// <summary>The create-or-touch use case on its own, against the real Redis.</summary>
public sealed class OpenSessionTests : IDisposable
{
    private static readonly ClientContext Client = new("203.0.113.7", ApiCalls.IphoneSafari, "US");
    private const string Landing = "https://film.example/watch?utm_source=facebook&utm_campaign=winter";
    private readonly TrackingApp _app = new(isolated: true);

    public void Dispose() => _app.Dispose();

    private async Task<OpenedSession> OpenAsync(SessionRequest request)
    {
        var (opening, problem) = SessionOpening.Validate(request, new Tracking.Events.SessionLimitOptions(), DateTimeOffset.UtcNow);
        Assert.Null(problem);
        return await _app.Services.GetRequiredService<OpenSession>().RunAsync(opening!, Client);
    }

    [Fact]
    public async Task A_landing_without_a_session_creates_one_and_naming_it_again_touches_it()
    {
        var created = (await OpenAsync(new SessionRequest(Landing))).Session!;

        var touched = (await OpenAsync(new SessionRequest(Landing, SessionId: created.SessionId, VisitorId: created.VisitorId))).Session!;

        Assert.True(created.IsNew);
        Assert.False(touched.IsNew);
        Assert.Equal(created.SessionId, touched.SessionId);
        Assert.Equal(created.VisitorId, touched.VisitorId);
    }

    [Fact]
    public async Task An_unknown_session_id_gets_a_new_session_never_the_id_the_client_chose()
    {
        var chosen = Tracking.Storage.Ids.NewSessionId();

        var opened = (await OpenAsync(new SessionRequest(Landing, SessionId: chosen))).Session!;

        Assert.True(opened.IsNew);
        Assert.NotEqual(chosen, opened.SessionId);
    }

    [Fact]
    public async Task A_retried_page_load_finds_the_session_its_first_attempt_made_and_stores_its_events_once()
    {
        List<EventRequest> PageView() => [new EventRequest(Event: "PageView", EventId: "ev_pageload_1", Url: Landing)];

        const string key = "page-load-key-0001";

        var first = (await OpenAsync(new SessionRequest(Landing, Events: PageView(), PageLoadKey: key))).Session!;
        var retry = (await OpenAsync(new SessionRequest(Landing, Events: PageView(), PageLoadKey: key))).Session!;

        Assert.True(first.IsNew);
        Assert.Equal(new EventsAccepted(1, 0), first.Events);
        Assert.False(retry.IsNew);
        Assert.Equal(first.SessionId, retry.SessionId);
        Assert.Equal(new EventsAccepted(0, 1), retry.Events);
    }
}
