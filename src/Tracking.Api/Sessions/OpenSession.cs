using System.Text.Json;
using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Events;
using Tracking.Infrastructure;
using Tracking.Storage;
using Tracking.Edge;

namespace Tracking.Sessions;

/// <summary>
/// <c>POST /session</c>'s use case: touch the live session the request names, else create one, storing the page's
/// first events in the same script. A page load that sends its key (<c>pageLoadKey</c>, a value that never leaves the
/// page) gets a session id derived from it, so a retry whose first attempt's answer was lost finds the session that
/// attempt made and touches it instead (its events deduplicated by id, its visit not counted again); the ids of its
/// events, which the page hands to the pixel, lead nowhere. A visitor id counts only when the service issued it; a
/// known visitor's new session is made on the visitor's slot, so its visit is counted by the session's own script.
/// Only a session actually created is charged to the client's new-session budget
/// (<see cref="ClientBudget.NewSessions"/>): a touch, or a retry that finds its session, is free.
/// </summary>
internal sealed class OpenSession(
    SessionStore store, ReturnVisits returns, IndexSet index, SessionIdSecret secret, VisitorIds visitors, Outbox outbox, ClientBudgets budgets,
    IOptions<SessionLimitOptions> options, IOptions<VisitorOptions> visitorOptions, IOptions<EdgeOptions> edge, TimeProvider clock, TrackingMetrics metrics)
{
    public async Task<OpenedSession> RunAsync(SessionOpening opening, ClientContext client)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var request = opening.Request;
        var existing = Ids.IsSessionId(request.SessionId) ? request.SessionId : null;
        var derive = request.PageLoadKey is not null;
        var known = await visitors.IssuedOrNullAsync(request.VisitorId);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // Unknown or expired (or a derived session erased in between): a new session, never with an id the client chose.
            if (existing is not null && await TouchAsync(opening, existing, known, client, now) is { } touched)
            {
                return touched;
            }
            var (sessionId, created, final) = await CreateAsync(opening, derive, known, client, now);
            if (created is not null && final)
            {
                return created;
            }
            // The derived session exists (a retried page load), or the budget is spent and it may: touching it is free.
            existing = sessionId;
            derive = false;
        }
        throw new InvalidOperationException("a page load's session neither exists nor could be created");
    }

    /// <summary>The live session touched (or refused as full); null when there is no such session.</summary>
    private async Task<OpenedSession?> TouchAsync(SessionOpening opening, string sessionId, string? known, ClientContext client, long now)
    {
        var (request, landing) = (opening.Request, opening.Landing);
        var touch = landing.HasCampaign ? JsonSerializer.Serialize(landing.ToTouch(now), SessionsJson.Default.Touch) : null;
        var visit = SessionFields.ForVisit(request, landing, now, client) with { SessionId = sessionId, TouchJson = touch };
        // The page's visitor, when its keys share the session's slot: the touch counts a new visit itself.
        var onSlot = known is not null && Crc16.Slot(known) == Crc16.Slot(sessionId) ? known : null;
        if (await store.TouchAsync(visit, Writes(opening, sessionId, client), options.Value.SessionTtl, onSlot) is not { } t)
        {
            return null;
        }
        if (t.Full)
        {
            return new OpenedSession(null, t.Held);
        }
        if (t.Own)
        {
            await IndexPostHogVisitorAsync(t.Visitor, request.PosthogDistinctId, t.PostHogVisitor);
        }
        else if (t.Visitor.Length > 0)
        {
            // The visitor's keys are on another slot: counted and indexed here, a round trip each.
            if (t.NewVisit)
            {
                await returns.CountAsync(t.Visitor, sessionId);
            }
            if (!string.IsNullOrEmpty(request.PosthogDistinctId) && (t.NewVisit || t.PostHogBefore != request.PosthogDistinctId))
            {
                await index.AddPostHogIdAsync(t.Visitor, request.PosthogDistinctId, visitorOptions.Value.VisitorRetention);
            }
        }
        metrics.EventsStored(t.Accepted, t.Duplicates);
        return new OpenedSession(Response(opening, sessionId, t.Visitor, isNew: false, t));
    }

    /// <summary>
    /// A new session (or refused as full or over budget); null when the derived session id already exists. Not final: a
    /// derived session refused by a budget taken apart (on a cluster), which may exist (touching it is free); a budget
    /// taken by the create script saw it does not.
    /// </summary>
    private async Task<(string SessionId, OpenedSession? Created, bool Final)> CreateAsync(
        SessionOpening opening, bool derive, string? known, ClientContext client, long now)
    {
        var (request, landing) = (opening.Request, opening.Landing);
        // A known visitor's session goes on its slot (every id the service issued sits on a partition slot); a new
        // visitor's id is then made on the session's.
        int? slot = known is null ? null : Crc16.Slot(known);
        var key = derive ? await secret.GetAsync() : null;
        var sessionId = key is not null ? Ids.PageLoadSessionId(key, request.PageLoadKey!, slot)
            : slot is { } s ? Ids.NewSessionId(s) : Ids.NewSessionId();
        // Not on a cluster, the create script takes the unit itself once the session is known to be new (one round
        // trip). On a cluster the budget's key is on the client's slot: charged before anything is written, given
        // back if the session exists.
        var budget = ClientBudget.NewSessions(edge.Value);
        var charged = ClientBudgets.ClientOf(client);
        var charge = store.Standalone ? budgets.ChargeOf(budget, charged) : null;
        if (charge is null && await budgets.TakeAsync(budget, charged) is { Spent: true } spent)
        {
            metrics.RateLimited(budget.Name);
            return (sessionId, OpenedSession.Refused(spent.RetryAfter), !derive);
        }
        // A unit taken apart is given back when nothing is created.
        Task GiveBackAsync() => charge is null ? budgets.GiveBackAsync(budget, charged) : Task.CompletedTask;
        var visitorId = known ?? await visitors.NewAsync(sessionId);
        var session = SessionFields.ForNewSession(sessionId, visitorId, request, landing, now, client)
            with { TouchJson = JsonSerializer.Serialize(landing.ToTouch(now), SessionsJson.Default.Touch), NewVisitor = known is null };
        if (await store.CreateAsync(session, Writes(opening, sessionId, client), options.Value.SessionTtl, now, charge) is not { } c)
        {
            await GiveBackAsync();
            return (sessionId, null, false);
        }
        if (c.OverBudget)
        {
            metrics.RateLimited(budget.Name);
            return (sessionId, OpenedSession.Refused(c.RetryAfter!.Value), true);
        }
        if (c.Full)
        {
            await GiveBackAsync();
            return (sessionId, new OpenedSession(null, c.Held), true);
        }
        await IndexPostHogVisitorAsync(visitorId, request.PosthogDistinctId, c.PostHogVisitor);
        metrics.SessionCreated();
        metrics.EventsStored(c.Accepted, c.Duplicates);
        return (sessionId, new OpenedSession(Response(opening, sessionId, visitorId, isNew: true, c)), true);
    }

    // Kept as long as the visitor, so erasure finds the PostHog person after the session expired, and knows which
    // other visitors named the same id (their person is not deleted). The session's script put the id in the visitor's
    // index and says whether the id's own index (another slot) needs the visitor: when the id is new to the visitor,
    // and again at each new visit, which renews that index as a visit renews the visitor's keys (and heals one a
    // failed request left unwritten).
    private Task IndexPostHogVisitorAsync(string visitorId, string? distinctId, bool needed) =>
        !needed || string.IsNullOrEmpty(distinctId) ? Task.CompletedTask
            : index.AddPostHogVisitorAsync(visitorId, distinctId, visitorOptions.Value.VisitorRetention);

    private List<EventWrite> Writes(SessionOpening opening, string sessionId, ClientContext client) =>
        opening.Events.Select(e => new EventWrite(e, outbox.Queue(OutboxEntries.ForBrowserEvent(sessionId, e, client)))).ToList();

    private static SessionResponse Response(SessionOpening opening, string sessionId, string visitorId, bool isNew, PageLoad load) =>
        new(sessionId, visitorId, isNew, load.ExpiresAt,
            opening.Request.Events is null ? null : new EventsAccepted(load.Accepted, load.Duplicates));
}
