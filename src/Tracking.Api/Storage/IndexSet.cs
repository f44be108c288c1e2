using StackExchange.Redis;

namespace Tracking.Storage;

/// <summary>
/// Gateway of index_add.lua: the bounded index sets that find what is kept about a visitor (export, erasure, and the
/// PostHog persons erasure may delete). Each index has a bound, so no client can grow one without limit.
/// </summary>
internal sealed class IndexSet(IDatabase db)
{
    /// <summary>PostHog distinct ids kept in one visitor's index (<c>p:</c> members); more is no ordinary browser.</summary>
    public const int MaxPostHogIdsPerVisitor = 32;

    /// <summary>Visitors kept under one PostHog distinct id; past it the id counts as shared by many (<see cref="Crowded"/>).</summary>
    public const int MaxVisitorsPerPostHogId = 32;

    /// <summary>E-mail hashes of signups kept in one visitor's index (<c>e:</c> members).</summary>
    public const int MaxEmailsPerVisitor = 32;

    /// <summary>Visitors a signup adds under one e-mail hash (a payer, verified by Stripe, is always added).</summary>
    public const int MaxVisitorsPerEmail = 100;

    /// <summary>The member a full <see cref="Keys.PostHogVisitors"/> set gets: its person is never deleted by an erasure.</summary>
    public const string Crowded = "*";

    /// <summary>How long an erased session's marker stays (<see cref="Keys.Erased"/>): far longer than a worker's lease.</summary>
    public static readonly TimeSpan ErasedMarkerLife = TimeSpan.FromDays(1);

    /// <summary>How a PostHog distinct id's member starts in a visitor's index.</summary>
    public const string PostHogPrefix = "p:";

    internal static string PostHogMember(string distinctId) => PostHogPrefix + distinctId;

    internal static string EmailMember(string emailHash) => "e:" + emailHash;

    private static readonly ScriptLayout Layout = new(["set"], ["member", "max", "prefix", "overflow", "ttl"]);
    private static readonly RedisScript Script = RedisScript.Load("index_add.lua", Layout);

    /// <returns>Whether <paramref name="member"/> is in the set (false: the set was full).</returns>
    public async Task<bool> AddAsync(string key, string member, int max, string prefix, string overflow, TimeSpan ttl) =>
        ScriptResult.From(await Script.RunAsync(db, new ScriptCall(Layout).Key("set", key)
            .Arg("member", member).Arg("max", max).Arg("prefix", prefix).Arg("overflow", overflow).Arg("ttl", (long)ttl.TotalSeconds))).Long("added") == 1;

    /// <summary>
    /// Indexes a PostHog distinct id a session of the visitor named: in the visitor's index, and the visitor under the
    /// id (two slots, sent together).
    /// </summary>
    public async Task AddPostHogIdAsync(string visitorId, string distinctId, TimeSpan ttl) =>
        await Task.WhenAll(
            AddAsync(Keys.VisitorIndex(visitorId), PostHogMember(distinctId), MaxPostHogIdsPerVisitor, PostHogPrefix, "", ttl),
            AddPostHogVisitorAsync(visitorId, distinctId, ttl));

    /// <summary>
    /// The visitor under a PostHog distinct id, once the id is in the visitor's index (a session script put it there,
    /// on the visitor's slot): the id's half of <see cref="AddPostHogIdAsync"/>.
    /// </summary>
    public Task<bool> AddPostHogVisitorAsync(string visitorId, string distinctId, TimeSpan ttl) =>
        AddAsync(Keys.PostHogVisitors(distinctId), visitorId, MaxVisitorsPerPostHogId, "", Crowded, ttl);

    /// <summary>Indexes an e-mail hash a signup of the visitor gave: in the visitor's index, and the visitor under the hash.</summary>
    public async Task AddSignupEmailAsync(string visitorId, string emailHash, TimeSpan ttl) =>
        await Task.WhenAll(
            AddAsync(Keys.VisitorIndex(visitorId), EmailMember(emailHash), MaxEmailsPerVisitor, "e:", "", ttl),
            AddAsync(Keys.EmailIndex(emailHash), visitorId, MaxVisitorsPerEmail, "", "", ttl));
}
