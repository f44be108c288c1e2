using System.Text.Json;
using Tracking.Delivery;
using Tracking.Infrastructure;
using Tracking.Storage;
using Tracking.Edge;

namespace Tracking.Events;

internal enum SignupStatus
{
    Recorded,
    /// <summary>This session already recorded this address: nothing new stored or queued.</summary>
    Duplicate,
    UnknownSession,
    /// <summary>The session holds Tracking__MaxEventsPerSession events: nothing recorded.</summary>
    SessionFull,
}

/// <summary>What <see cref="RecordSignup"/> did, and the Lead's event id.</summary>
internal sealed record SignupResult(SignupStatus Status, string EventId = "");

/// <summary>
/// <c>POST /signup</c>'s use case: flag the session (<c>email_signup</c>, <c>email_consent</c>) and store and queue
/// one Lead per session and address, in one script. Only the address's hash leaves, in the outbox entry; the address
/// itself is neither stored nor logged.
/// </summary>
internal sealed class RecordSignup(SignupStore store, Outbox outbox, TimeProvider clock)
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
            metaRefusesEmail: !EmailAddress.MetaAccepts(body.Email)));
        var recorded = await store.RecordAsync(sid, eventId, now, ServerEventMember.Lead(eventId, now), entry, body.Consent, now);
        return new SignupResult(recorded switch
        {
            ServerEventStatus.UnknownSession => SignupStatus.UnknownSession,
            ServerEventStatus.AlreadyRecorded => SignupStatus.Duplicate,
            ServerEventStatus.SessionFull => SignupStatus.SessionFull,
            _ => SignupStatus.Recorded,
        }, eventId);
    }
}
