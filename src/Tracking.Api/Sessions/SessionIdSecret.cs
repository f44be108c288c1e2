using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>
/// The key page-load session ids are derived under (<see cref="Ids.PageLoadSessionId"/>). Losing it only makes a page
/// load retried across that moment create a second session.
/// </summary>
internal sealed class SessionIdSecret(IDatabase db) : SharedSecret(db, Keys.SessionIdSecret);
