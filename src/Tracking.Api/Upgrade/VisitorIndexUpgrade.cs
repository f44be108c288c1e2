using System.Text.Json;
using StackExchange.Redis;
using Tracking.Donations;
using Tracking.Sessions;
using Tracking.Storage;

namespace Tracking.Upgrade;

/// <summary>
/// Indexes under their visitor (<see cref="Keys.VisitorIndex"/>) the live sessions and the conversions written before
/// the index existed, so export and erasure find them. One command per key, each on its own slot.
/// </summary>
internal sealed class VisitorIndexUpgrade(IDatabase db, DonationStore donations, Microsoft.Extensions.Options.IOptions<RetentionOptions> retention)
{
    /// <summary>Returns how many sessions, and how many conversions, were added to an index.</summary>
    public async Task<(long Sessions, long Conversions)> RunAsync()
    {
        long sessions = 0, conversions = 0;
        await foreach (var key in Masters.ScanAsync(db, Keys.Session("*")))
        {
            if (SessionIdOf((string?)key ?? "") is not { } sid
                || (string?)await db.HashGetAsync(key, SessionField.VisitorId) is not { Length: > 0 } visitor)
            {
                continue;
            }
            sessions += await db.SetAddAsync(Keys.VisitorIndex(visitor), SessionStore.VisitMember(sid)) ? 1 : 0;
        }
        await foreach (var key in Masters.ScanAsync(db, Keys.Conversions("*", "*")))
        {
            if (DayOf((string?)key ?? "") is not { } day)
            {
                continue;
            }
            await foreach (var e in db.HashScanAsync(key, pageSize: 500))
            {
                conversions += await IndexConversionAsync(day, e) ? 1 : 0;
            }
        }
        return (sessions, conversions);
    }

    private async Task<bool> IndexConversionAsync(string day, HashEntry e)
    {
        ConversionRecord? record;
        try
        {
            record = JsonSerializer.Deserialize((string)e.Value!, DonationsJson.Default.ConversionRecord);
        }
        catch (JsonException)
        {
            return false; // counted by the reports as unreadable; nothing to index it by
        }
        // An erased conversion keeps no session id: it must not be found again.
        if (record is not { SessionId.Length: > 0 } || await donations.VisitorOfAsync(record.SessionId) is not { Length: > 0 } visitor)
        {
            return false;
        }
        var index = Keys.VisitorIndex(visitor);
        if (!await db.SetAddAsync(index, DonationStore.ConversionMember(record.SessionId, day, (string)e.Name!)))
        {
            return false;
        }
        // As when the webhook indexes it: the index lives as long as its conversions (GT: never shortened; an index
        // without a TTL gets one in the TTL step).
        await db.KeyExpireAsync(index, TimeSpan.FromSeconds(retention.Value.Seconds), ExpireWhen.GreaterThanCurrentExpiry);
        return true;
    }

    // The session id inside a session key, checked by forming the key again (Keys stays the one place of the format).
    private static string? SessionIdOf(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var sid = open < 0 || !key.EndsWith('}') ? "" : key[(open + 1)..^1];
        return Ids.IsSessionId(sid) && Keys.Session(sid) == key ? sid : null;
    }

    // The day of a conversion record key (null for its paths key, or any other key the pattern matched).
    private static string? DayOf(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = key.IndexOf("}:", StringComparison.Ordinal);
        if (open < 0 || close < open)
        {
            return null;
        }
        var tag = key[(open + 1)..close];
        var day = key[(close + 2)..];
        return !day.Contains(':', StringComparison.Ordinal) && Keys.Conversions(tag, day) == key ? day : null;
    }
}
