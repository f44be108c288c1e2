using StackExchange.Redis;
using Tracking.Sessions;
using Tracking.Storage;

namespace Tracking.Upgrade;

/// <summary>
/// Indexes under their visitor (<see cref="Keys.VisitorIndex"/>) the live sessions written before the index
/// existed, so export and erasure find them. One command per key, each on its own slot.
/// </summary>
internal sealed class VisitorIndexUpgrade(IDatabase db)
{
    /// <summary>Returns how many sessions were added to an index.</summary>
    public async Task<long> RunAsync()
    {
        long added = 0;
        await foreach (var key in Masters.ScanAsync(db, Keys.Session("*")))
        {
            if (SessionIdOf((string?)key ?? "") is not { } sid
                || (string?)await db.HashGetAsync(key, SessionField.VisitorId) is not { Length: > 0 } visitor)
            {
                continue;
            }
            added += await db.SetAddAsync(Keys.VisitorIndex(visitor), SessionStore.VisitMember(sid)) ? 1 : 0;
        }
        return added;
    }

    // The session id inside a session key, checked by forming the key again (Keys stays the one place of the format).
    private static string? SessionIdOf(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var sid = open < 0 || !key.EndsWith('}') ? "" : key[(open + 1)..^1];
        return Ids.IsSessionId(sid) && Keys.Session(sid) == key ? sid : null;
    }
}
