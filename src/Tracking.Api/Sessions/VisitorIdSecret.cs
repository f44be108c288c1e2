using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>
/// The key visitor ids are signed with (<see cref="Ids.NewVisitorId"/>). Losing it makes every visitor new once: ids
/// issued under the old key are no longer honoured, so each visitor's next session starts a new visitor.
/// </summary>
internal sealed class VisitorIdSecret(IDatabase db) : SharedSecret(db, Keys.VisitorIdSecret);
