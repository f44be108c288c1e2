using System.Security.Cryptography;
using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Sessions;

/// <summary>
/// An HMAC key shared by every replica through Redis: the first replica to need it stores 32 random bytes with SET NX
/// (acknowledged by replicas when Redis__AckReplicas is set), every replica reads that value once and keeps it. Were it
/// lost anyway (a failover before it replicated), a new one is made; what that costs depends on what it signs.
/// </summary>
internal abstract class SharedSecret(IDatabase db, string key)
{
    private byte[]? _secret;

    public async ValueTask<byte[]> GetAsync()
    {
        if (_secret is { } known)
        {
            return known;
        }
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        if (await db.StringSetAsync(key, candidate, when: When.NotExists))
        {
            await ReplicaAck.WrittenAsync(db, [key]);
        }
        var stored = await db.StringGetAsync(key);
        return _secret = Convert.FromBase64String(stored.HasValue ? stored.ToString() : candidate);
    }
}
