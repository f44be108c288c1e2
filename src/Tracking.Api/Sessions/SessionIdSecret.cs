using System.Security.Cryptography;
using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>
/// The secret that page-load session ids are derived under (<see cref="Ids.PageLoadSessionId"/>), shared by every
/// replica through Redis: the first replica to need it stores 32 random bytes with SET NX, every replica reads that
/// value once and keeps it. Were it lost (a failover before it replicated), a new one is made: the only cost is that
/// a page load retried across that moment makes a second session.
/// </summary>
internal sealed class SessionIdSecret(IDatabase db)
{
    private byte[]? _secret;

    public async ValueTask<byte[]> GetAsync()
    {
        if (_secret is { } known)
        {
            return known;
        }
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await db.StringSetAsync(Keys.SessionIdSecret, candidate, when: When.NotExists);
        var stored = await db.StringGetAsync(Keys.SessionIdSecret);
        return _secret = Convert.FromBase64String(stored.HasValue ? stored.ToString() : candidate);
    }
}
