namespace Tracking.Sessions;

/// <summary>What a page load's script answered (Lua: <c>S.Name</c>, new_session.lua, create_session_standalone.lua and session_touch.lua).</summary>
internal enum PageLoadStatus
{
    /// <summary>The session was created with the page's events.</summary>
    Created,

    /// <summary>A session with that id already exists (a retried page load): touch it instead.</summary>
    Exists,

    /// <summary>The live session was touched and the page's events stored.</summary>
    Touched,

    /// <summary>No such session (unknown or expired).</summary>
    Unknown,

    /// <summary>The page's events would pass Tracking__MaxEventsPerSession: nothing written.</summary>
    SessionFull,

    /// <summary>The client's new-session budget is spent (create_session_standalone.lua): nothing written.</summary>
    OverBudget,
}
