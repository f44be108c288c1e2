using System.Net;
using StackExchange.Redis;
using Tracking.Infrastructure;
using Tracking.Storage;

namespace Tracking.Edge;

/// <summary>
/// A per-client allowance of something costly (new sessions, Stripe checkouts, wrong ops keys) in a window.
/// <paramref name="Setting"/> names the limit in a 429 answer.
/// </summary>
internal sealed record ClientBudget(string Name, int Limit, TimeSpan Window, string Setting)
{
    /// <summary><c>Tracking:NewSessionsPerMinute</c>: sessions (and visitors) one client may create a minute.</summary>
    public static ClientBudget NewSessions(EdgeOptions o) =>
        new("new-sessions", o.NewSessionsPerMinute, TimeSpan.FromMinutes(1), $"{EdgeOptions.Section}:{nameof(EdgeOptions.NewSessionsPerMinute)}");
}

/// <summary>What a budget answered: whether it is spent, and when the client's window ends.</summary>
internal readonly record struct BudgetAnswer(bool Spent, TimeSpan RetryAfter);

/// <summary>
/// A unit of a client's budget taken by the script that does what it pays for, in the same run (Lua: budget.lua,
/// <c>budget_change</c>): the budget's key, the service's clock (ms), the window (ms) and the limit.
/// </summary>
internal sealed record BudgetCharge(string Key, long Now, long Window, int Limit);

/// <summary>The script's answer (Lua: <c>S.Name</c>, client_budget.lua).</summary>
internal enum BudgetStatus
{
    /// <summary>The client is within its budget (and, when taking, a unit was taken).</summary>
    Within,

    /// <summary>The client has used its budget for this window: nothing was taken.</summary>
    Spent,
}

/// <summary>
/// Budgets counted in Redis, so every replica draws on one count: N replicas never allow N times a budget. One key
/// per client and budget (<see cref="Keys.ClientBudget"/>), living at most one window: the memory a budget holds is
/// one small hash per client that used it within the last window. The key names the client by its SHA-256, so no
/// address is kept beside the visitor's data (erasure has nothing to find there). The window runs on the service's
/// <see cref="TimeProvider"/>.
/// </summary>
internal sealed class ClientBudgets(IDatabase db, TimeProvider clock)
{
    private static readonly ScriptLayout Layout = new(["budget"], ["now", "window", "limit", "change"]);
    private static readonly RedisScript Script = RedisScript.Load("client_budget.lua", Layout, acknowledged: false, statuses: typeof(BudgetStatus));

    /// <summary>Takes one unit of <paramref name="budget"/> for <paramref name="client"/>; spent = refused, nothing taken.</summary>
    public Task<BudgetAnswer> TakeAsync(ClientBudget budget, string client) => RunAsync(budget, client, 1);

    /// <summary>Gives back a unit taken for something that turned out to cost nothing (a retried page load's existing session).</summary>
    public Task GiveBackAsync(ClientBudget budget, string client) => RunAsync(budget, client, -1);

    /// <summary>Whether <paramref name="client"/> has spent <paramref name="budget"/>, taking nothing.</summary>
    public Task<BudgetAnswer> PeekAsync(ClientBudget budget, string client) => RunAsync(budget, client, 0);

    /// <summary>A unit of <paramref name="budget"/> for <paramref name="client"/>, for a script to take itself.</summary>
    public BudgetCharge ChargeOf(ClientBudget budget, string client) =>
        new(Keys.ClientBudget(budget.Name, Hashing.Sha256(client)), clock.GetUtcNow().ToUnixTimeMilliseconds(), (long)budget.Window.TotalMilliseconds, budget.Limit);

    /// <summary>The budget's client for a request's context: IPv4 address or IPv6 /64, as the rate limiter counts it.</summary>
    public static string ClientOf(ClientContext client) =>
        RateLimiting.ClientBucket(IPAddress.TryParse(client.Ip, out var ip) ? ip : null);

    private async Task<BudgetAnswer> RunAsync(ClientBudget budget, string client, int change)
    {
        var charge = ChargeOf(budget, client);
        var result = ScriptResult.From(await Script.RunAsync(db, new ScriptCall(Layout)
            .Key("budget", charge.Key).Arg("now", charge.Now).Arg("window", charge.Window).Arg("limit", charge.Limit)
            .Arg("change", change)));
        return new BudgetAnswer(result.Status<BudgetStatus>() == BudgetStatus.Spent, TimeSpan.FromMilliseconds(result.Long("retry_ms")));
    }
}
