namespace Tracking.Storage;

/// <summary>
/// Every key name in one place. Per-session keys carry the session id as hash tag; partition keys carry a tag
/// hashing to the same slot (see <see cref="Partitions"/>), so one script may touch them together.
/// </summary>
internal static class Keys
{
    public static string Session(string id) => $"sess:{{{id}}}";
    public static string Events(string id) => $"events:sess:{{{id}}}";
    public static string Seen(string id) => $"seen:sess:{{{id}}}";
    public static string Touches(string id) => $"touches:sess:{{{id}}}";
    public static string Client(string id) => $"client:sess:{{{id}}}";
    public static string StripeLedger(string id) => $"stripe:sess:{{{id}}}";
    /// <summary>A marker written in a slot right before WAIT, when Redis:AckReplicas is set (see <see cref="ReplicaAck"/>); expires in 60 s.</summary>
    public static string AckMarker(string tag) => $"ack:{{{tag}}}";

    public static string Visitor(string visitorId) => $"visitor:{{{visitorId}}}";

    /// <summary>
    /// Beside <see cref="Visitor"/>: what is kept about the visitor elsewhere, for export and erasure
    /// (<c>s:{session id}</c>, <c>c:{session id}:{day}:{checkout session id}</c>, <c>e:{e-mail SHA-256}</c>,
    /// <c>p:{PostHog distinct id}</c>).
    /// </summary>
    public static string VisitorIndex(string visitorId) => $"visitor:{{{visitorId}}}:index";

    /// <summary>
    /// Beside <see cref="VisitorIndex"/>: its session members (<c>s:{session id}</c>) by creation time (ms), so the
    /// index keeps only the newest Tracking__MaxSessionsPerVisitor sessions.
    /// </summary>
    public static string VisitorSessions(string visitorId) => $"visitor:{{{visitorId}}}:sessions";

    /// <summary>
    /// The visitors who paid with or signed up with this e-mail (kept only as its SHA-256): <c>POST /ops/visitors/export</c>
    /// and <c>/erase</c> with <c>{ "email" }</c>.
    /// </summary>
    public static string EmailIndex(string emailHash) => $"email:{{{emailHash}}}";

    /// <summary>
    /// The visitors whose sessions named a PostHog distinct id (the key holds the id's SHA-256, never the id): erasure
    /// asks PostHog to delete a person only when no other visitor is here (see <see cref="IndexSet.Crowded"/>).
    /// </summary>
    public static string PostHogVisitors(string distinctId) => $"posthog:{{{Sha256(distinctId)}}}";

    /// <summary>
    /// Set by erasure for each erased session (under the session id's SHA-256, so no id outlives the erasure): the worker
    /// drops an entry of that session it leased before the erasure instead of sending it. Lives
    /// <see cref="IndexSet.ErasedMarkerLife"/>, longer than any lease.
    /// </summary>
    public static string Erased(string sessionId) => $"erased:{{{Sha256("session|" + sessionId)}}}";

    private static string Sha256(string value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    /// <summary>One erasure (hashed visitor id, time, counts; no personal data).</summary>
    public static string ErasureAudit(string visitorHash, long at) => $"audit:erasure:{{{visitorHash}}}:{at}";

    /// <summary>Durable (no TTL) record of every conversion of a partition and day, attributed or not, with its touch path.</summary>
    public static string Conversions(string tag, string day) => $"conv:{{{tag}}}:{day}";

    /// <summary>Beside <see cref="Conversions"/>: checkout session id → its session's touch path (JSON array).</summary>
    public static string ConversionPaths(string tag, string day) => $"conv:{{{tag}}}:{day}:paths";

    /// <summary>
    /// A session's recurring donations: subscription id → its link (the first payment's Checkout Session, day, amount,
    /// interval, campaign, platform, visitor), <c>path:{subscription id}</c> → the first payment's touch path,
    /// <c>end:{subscription id}</c> → when it was cancelled (ms). Lives the retention, refreshed by every paid invoice.
    /// </summary>
    public static string Subscriptions(string id) => $"subs:sess:{{{id}}}";

    /// <summary>A partition's active recurring donations: SHA-256 of the subscription id (24 hex) → amount, currency and interval.</summary>
    public static string SubscriptionsActive(string tag) => $"subs:{{{tag}}}:active";

    /// <summary>A partition-day's recurring-donation counters: <c>new</c> and <c>cancelled</c>.</summary>
    public static string SubscriptionsDay(string tag, string day) => $"subs:{{{tag}}}:{day}";

    /// <summary>
    /// An erased recurring donation that ended (its hashed id, as in <see cref="SubscriptionsActive"/>) → when: a
    /// redelivered cancellation is recognised for as long as Stripe redelivers, without the erased session's ledger.
    /// </summary>
    public static string SubscriptionEnded(string tag, string hashed) => $"subs:{{{tag}}}:ended:{hashed}";

    /// <summary>
    /// Beside <see cref="Conversions"/>: donation id → what Stripe took back from it (refunds and disputes, JSON), so a
    /// refund counts on the donation's day and attribution.
    /// </summary>
    public static string ConversionRefunds(string tag, string day) => $"conv:{{{tag}}}:{day}:refunds";

    /// <summary>A Stripe PaymentIntent (or Charge) id → the donation it paid (session, day, donation id), for refunds and disputes.</summary>
    public static string PaymentLink(string paymentId) => $"pay:{{{paymentId}}}";

    /// <summary>Durable daily counters of a partition (see <see cref="Aggregates"/>).</summary>
    public static string Aggregate(string tag, string day) => $"agg:{{{tag}}}:{day}";

    /// <summary>
    /// The projection log of a partition: a list of the facts the request path counted and the projection has not yet
    /// applied to the daily counters, oldest first, each a JSON object (fields in docs/redis-layout.md;
    /// Storage/aggregates.lua writes it, Projection reads it). A list rather than a stream so the embedded store
    /// (Garnet, which has no streams) runs the same scripts.
    /// </summary>
    public static string AggregateLog(string tag) => $"agg:{{{tag}}}:facts";

    /// <summary>
    /// The projection log in the layout before <see cref="AggregateLog"/> (a stream): facts still in it are projected
    /// first, and it is deleted once empty (Projection/project.lua).
    /// </summary>
    public static string AggregateStreamLog(string tag) => $"agg:{{{tag}}}:log";

    /// <summary>The admitted attribution keys of <see cref="Aggregate"/> (at most <see cref="Aggregates.MaxKeysPerPartitionDay"/>).</summary>
    public static string AggregateKeys(string tag, string day) => $"agg:{{{tag}}}:{day}:keys";

    /// <summary>Counters of the candidate keys of a partition-day, not yet admitted (see <see cref="Aggregates"/>).</summary>
    public static string AggregateCandidates(string tag, string day) => $"agg:{{{tag}}}:{day}:cand";

    /// <summary>Candidate key → facts counted (plus an age fraction): who is evicted when the candidates are full.</summary>
    public static string AggregateRanks(string tag, string day) => $"agg:{{{tag}}}:{day}:rank";

    /// <summary>Fundraising-campaign cohort counters of a partition-day: <c>metric|campaign id</c> → count (see <see cref="Aggregates"/>).</summary>
    public static string AggregateSelected(string tag, string day) => $"agg:{{{tag}}}:{day}:sel";

    /// <summary>The HMAC key of page-load session ids (<see cref="Ids.PageLoadSessionId"/>): 32 random bytes, base64, set once.</summary>
    public const string SessionIdSecret = "secret:session-ids";

    /// <summary>
    /// One client's use of a budget (<c>new-sessions</c>, <c>checkouts</c>, <c>ops-key-failures</c>) in its current
    /// window: a hash of <c>start</c> and <c>used</c> that expires when the window ends (<c>Edge/ClientBudgets</c>).
    /// The client (an IPv4 address or IPv6 /64, as its SHA-256) is the hash tag, so a client's budgets share one slot.
    /// </summary>
    public static string ClientBudget(string budget, string client) => $"budget:{budget}:{{{client}}}";

    /// <summary>The HMAC key visitor ids are signed with (<see cref="Ids.NewVisitorId"/>): 32 random bytes, base64, set once.</summary>
    public const string VisitorIdSecret = "secret:visitor-ids";

    public static string OutboxDue(string tag) => $"outbox:{{{tag}}}:due";
    public static string OutboxItems(string tag) => $"outbox:{{{tag}}}:items";
    public static string OutboxTries(string tag) => $"outbox:{{{tag}}}:tries";
    public static string OutboxDead(string tag) => $"outbox:{{{tag}}}:dead";
    public static string OutboxDeadReasons(string tag) => $"outbox:{{{tag}}}:dead:reasons";
}
