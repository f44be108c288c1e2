using StackExchange.Redis;
using Tracking.Storage;

namespace Tracking.Tests.Support;

/// <summary>The keys that live exactly as long as one session (the ones its TTL removes).</summary>
public static class SessionKeys
{
    /// <summary>A glob matching every per-session key of every session (each ends in the session's hash tag).</summary>
    public static string AllSessionsPattern => "*" + Keys.Session("*");

    public static RedisKey[] Of(string sid) =>
        [Keys.Session(sid), Keys.Events(sid), Keys.Seen(sid), Keys.Touches(sid), Keys.Client(sid)];

    /// <summary>What Redis does when the session's TTL runs out: every per-session key goes.</summary>
    public static Task ExpireAsync(IDatabase db, string sid) => db.KeyDeleteAsync(Of(sid));
}
