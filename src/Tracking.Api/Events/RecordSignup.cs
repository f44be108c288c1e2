using System.Text.Json;
using Microsoft.Extensions.Options;
using Tracking.Delivery;
using Tracking.Infrastructure;
using Tracking.Storage;
using Tracking.Edge;

namespace Tracking.Events;

internal enum SignupStatus
{
    Recorded,
    /// <summary>Stored on the session, but it already sent Tracking__MaxSignupsPerSession Leads: nothing queued.</summary>
    RecordedWithoutLead,
    /// <summary>This session already recorded this address: nothing new stored or queued.</summary>
    Duplicate,
    UnknownSession,
    /// <summary>The session holds Tracking__MaxEventsPerSession events: nothing recorded.</summary>
    SessionFull,
}

/// <summary>What <see cref="RecordSignup"/> did, and the Lead's event id.</summary>
internal sealed record SignupResult(SignupStatus Status, string EventId = "");

/// <summary>
/// <c>POST /signup</c>'s use case: flag the session (<c>email_signup</c>, <c>email_consent</c>), store the signup,
/// and queue its Lead for the session's first Tracking__MaxSignupsPerSession addresses, in one script. Only the
/// address's hash leaves, in the outbox entry; the address itself is neither stored nor logged.
/// </summary>
internal sealed class RecordSignup(SignupStore store, IndexSet index, Outbox outbox, IOptions<VisitorOptions> visitors, TimeProvider clock)
{
    /// <param name="body">A body <see cref="SignupValidator"/> found valid.</param>
    /// <param name="page">The page signed up on (the body's, else the Referer header's).</param>
    public async Task<SignupResult> RunAsync(SignupRequest body, ClientContext client, string? page)
    {
        var sid = body.SessionId!;
        if (!Ids.IsSessionId(sid))
        {
            return new SignupResult(SignupStatus.UnknownSession);
        }
        var hash = Hashing.Email(body.Email)!;
        // One Lead per session and address; the id reveals neither (Meta deduplicates by it).
        var eventId = "lead_" + Hashing.Sha256($"lead:{sid}:{hash}")[..32];
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var entry = outbox.Queue(OutboxEntry.ForSignup(
            sid, eventId, EventNames.Lead, now, new(page, body.Referrer), new(client.Ip, client.UserAgent), hash,
            new() { ["step"] = JsonSerializer.SerializeToElement("email_capture", EventsJson.Default.String) },
            Hashing.GoogleEmail(body.Email), metaRefusesEmail: !EmailAddress.MetaAccepts(body.Email)));
        var recorded = await store.RecordAsync(sid, eventId, now, ServerEventMember.Lead(eventId, now), entry, body.Consent, now);
        if (recorded is ServerEventStatus.Recorded or ServerEventStatus.AlreadyRecorded)
        {
            await IndexEmailAsync(sid, hash);
        }
        return new SignupResult(recorded switch
        {
            ServerEventStatus.UnknownSession => SignupStatus.UnknownSession,
            ServerEventStatus.AlreadyRecorded => SignupStatus.Duplicate,
            ServerEventStatus.SessionFull => SignupStatus.SessionFull,
            ServerEventStatus.RecordedWithoutLead => SignupStatus.RecordedWithoutLead,
            _ => SignupStatus.Recorded,
        }, eventId);
    }

    // The address's hash is in the Lead: export and erasure by e-mail find the signup's visitor (a repeat indexes
    // again, so a first attempt that failed after its script is completed).
    private async Task IndexEmailAsync(string sessionId, string emailHash)
    {
        if (await store.VisitorOfAsync(sessionId) is { } visitor)
        {
            await index.AddSignupEmailAsync(visitor, emailHash, visitors.Value.VisitorRetention);
        }
    }
}
