namespace Tracking.Events;

/// <summary>What a script recording one server event (signup.lua's Lead, initiate_checkout.lua) answered (Lua: <c>S.Name</c>).</summary>
internal enum ServerEventStatus
{
    UnknownSession,
    Recorded,

    /// <summary>This event id was recorded before (a retry): nothing queued again.</summary>
    AlreadyRecorded,

    /// <summary>The session holds Tracking__MaxEventsPerSession events: nothing recorded.</summary>
    SessionFull,

    /// <summary>Recorded on the session, but the session already sent Tracking__MaxSignupsPerSession Leads: nothing queued.</summary>
    RecordedWithoutLead,
}
